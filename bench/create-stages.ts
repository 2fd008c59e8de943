// The default export: tsx loads the CommonJS proto package that way (see test/support/temporal.ts).
import proto from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { percentile, round } from './measure.js';

const EventType = proto.temporal.api.enums.v1.EventType;

/** One timed create: the workflow it started and the wall-clock instants the client sent it and got the answer. */
export interface TimedCreate {
  workflowId: string;
  sentAtMs: number;
  answeredAtMs: number;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable with the dev server's event times. */
export const wallClockMs = () => performance.timeOrigin + performance.now();

const eventMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;

const shortName = (eventType: number | null | undefined) =>
  (EventType[eventType ?? 0] ?? String(eventType)).replace(/^EVENT_TYPE_(WORKFLOW_EXECUTION_)?/, '');

/**
 * Where each millisecond of a create goes, read from the history of each create: the client's send to the
 * workflow's start (client and frontend), then every step between consecutive history events up to the update's
 * completion (a task's schedule → start is matching and the poll; start → complete is the worker), then the
 * update's completion to the client's answer. Stage names carry the occurrence (`WORKFLOW_TASK_STARTED#2`), so a
 * shape change (a local activity instead of an activity task) shows as other stage names, not wrong figures.
 * The dev server and the bench share this machine's clock. Each stage's p50 across the creates is reported.
 */
export async function createStages(client: Client, creates: readonly TimedCreate[]) {
  const samples = new Map<string, number[]>();
  const add = (stage: string, ms: number) => {
    const list = samples.get(stage) ?? [];
    list.push(ms);
    samples.set(stage, list);
  };
  for (const create of creates) {
    const events = (await client.workflow.getHandle(create.workflowId).fetchHistory()).events ?? [];
    const end = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    if (end < 0) continue;
    const seen = new Map<string, number>();
    let previous = { name: 'client sent', ms: create.sentAtMs };
    for (const event of events.slice(0, end + 1)) {
      const type = shortName(event.eventType);
      const count = (seen.get(type) ?? 0) + 1;
      seen.set(type, count);
      const current = { name: count > 1 ? `${type}#${count}` : type, ms: eventMs(event.eventTime) };
      add(`${previous.name} → ${current.name}`, current.ms - previous.ms);
      previous = current;
    }
    add(`${previous.name} → client answered`, create.answeredAtMs - previous.ms);
    add('total (client)', create.answeredAtMs - create.sentAtMs);
  }
  // Stages in the order of the first create's history; p50 of each across the creates that had it.
  return Object.fromEntries(
    [...samples].map(([stage, list]) => {
      const sorted = [...list].sort((x, y) => x - y);
      return [stage, { p50Ms: round(percentile(sorted, 50)), samples: sorted.length }];
    }),
  );
}

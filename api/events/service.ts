import type { Client } from '@temporalio/client';
import type { temporal as proto } from '@temporalio/proto';
import { decodeMapFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { Config } from '../../config/env.js';
import type { callbacks } from '../../workflows/callbacks/callbacks.js';
import { lifecycleCallbacksQuery, redeliverSignal } from '../../workflows/callbacks/messages.js';
import { publication } from '../../workflows/callbacks/record.js';
import type { CallbacksRecord, RecordedEvent } from '../../workflows/callbacks/types.js';
import { conflict, notFound } from '../problem.js';
import type { EventFilter } from '../schemas/events.js';
import { invalidCursor } from '../visibility/signed-cursor.js';
import { EventCursors } from './event-cursor.js';

type Execution = proto.api.workflow.v1.IWorkflowExecutionInfo;

/** One `callbacks` workflow run as visibility lists it, its record read from its memo. */
interface RecordRun {
  workflowId: string;
  startedAt: number;
  record: CallbacksRecord;
}

/** Most workflows a bulk redelivery reads: far above a day's lifecycles of one service's outage, and bounded. */
const MAX_BULK_WORKFLOWS = 5_000;

/**
 * The events API over the `callbacks` workflows (`workflows/callbacks/callbacks.ts`): their search attributes
 * select, their memo holds each event with its attempts. Nothing is stored outside Temporal; a run is readable as
 * long as the namespace keeps closed runs (30 days).
 */
export class EventsService {
  private readonly cursors: EventCursors;

  constructor(
    private readonly temporal: Client,
    private readonly config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE' | 'CALLBACK_SECRET'>,
  ) {
    this.cursors = new EventCursors(config.CALLBACK_SECRET);
  }

  /**
   * Newest lifecycles first (visibility's own order: open runs, then by close time), each one's events newest
   * first. A redelivered record has a newer run of the same workflow: only the first run listed on a page counts.
   */
  async list(filter: EventFilter, limit: number, cursor: string | undefined) {
    let position = cursor === undefined ? { token: undefined, skip: 0 } : this.cursors.decode(filter, cursor);
    const items: RecordedEvent[] = [];
    for (;;) {
      const page = await this.page(filter, position.token, limit, cursor !== undefined);
      const events = page.runs.flatMap((run) => matching(run.record, filter).reverse());
      const fresh = events.slice(position.skip);
      const room = limit - items.length;
      if (fresh.length > room) {
        items.push(...fresh.slice(0, room));
        return { items, next: this.cursors.encode(filter, { token: position.token, skip: position.skip + room }) };
      }
      items.push(...fresh);
      if (!page.nextToken) return { items, next: null };
      position = { token: page.nextToken, skip: 0 };
      if (items.length === limit) return { items, next: this.cursors.encode(filter, position) };
    }
  }

  /**
   * The event with this id and the run that holds it (the newest that does). An event of a running lifecycle that
   * its service took has no record yet: the lifecycle itself answers for it (a query), without a run.
   */
  async get(id: string): Promise<{ event: RecordedEvent; run?: RecordRun }> {
    const lifecycleWorkflowId = id.slice('callback:'.length, id.lastIndexOf(':'));
    const runs = await this.runs(`WorkflowType = 'callbacks' AND CallbackLifecycle = '${lifecycleWorkflowId}'`);
    runs.sort((a, b) => b.startedAt - a.startedAt);
    for (const run of runs) {
      const event = run.record.events.find((e) => e.event.id === id);
      if (event) return { event, run };
    }
    const event = (await this.lifecycleRecord(lifecycleWorkflowId))?.events.find((e) => e.event.id === id);
    if (event) return { event };
    throw notFound(`No event with id ${id}`);
  }

  async redeliver(id: string): Promise<string[]> {
    const { event, run } = await this.get(id);
    if (!run) {
      throw conflict(
        'INVALID_STATE',
        `Event ${id} was delivered and its lifecycle is still running: it can be redelivered once the lifecycle ` +
          'ends (or a later event of it fails)',
        { currentStatus: event.delivery },
      );
    }
    await this.redeliverIn(run, [id]);
    return [id];
  }

  /** A running lifecycle's own record; undefined when it is closed, unknown, or from before callbacks had one. */
  private async lifecycleRecord(workflowId: string): Promise<CallbacksRecord | undefined> {
    const handle = this.temporal.workflow.getHandle(workflowId);
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return undefined;
      return await handle.query(lifecycleCallbacksQuery);
    } catch {
      // Not found, or a run without the query (no callbackUrl, or started by 1.0.0): nothing to show.
      return undefined;
    }
  }

  /** Every event matching the filter, each sent again once (one signal per `callbacks` workflow). */
  async redeliverMatching(filter: EventFilter): Promise<string[]> {
    const runs = await this.runs(visibilityQuery(filter), MAX_BULK_WORKFLOWS);
    const ids: string[] = [];
    for (const run of runs) {
      const matched = matching(run.record, filter).map((e) => e.event.id);
      if (matched.length === 0) continue;
      await this.redeliverIn(run, matched);
      ids.push(...matched);
    }
    return ids;
  }

  /**
   * A running record takes the signal; a closed one is started again from its memo with the signal (its events,
   * their ids and attempts carried over), so a redelivery works for the whole time the namespace keeps the run.
   */
  private async redeliverIn(run: RecordRun, ids: string[]): Promise<void> {
    const { searchAttributes } = publication(run.record);
    await this.temporal.workflow.signalWithStart<typeof callbacks, [string[]]>('callbacks', {
      workflowId: run.workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [{ lifecycleOpen: false }],
      memo: { callbacks: run.record },
      typedSearchAttributes: searchAttributes,
      signal: redeliverSignal,
      signalArgs: [ids],
      staticSummary: `callbacks of ${run.record.externalReference} (redelivery)`,
    });
  }

  private async page(filter: EventFilter, token: Uint8Array | undefined, pageSize: number, fromCursor: boolean) {
    const response = await this.temporal.workflowService
      .listWorkflowExecutions({
        namespace: this.config.TEMPORAL_NAMESPACE,
        pageSize,
        nextPageToken: token,
        // No ORDER BY: SQL visibility refuses it (see visibility/list-payments.ts).
        query: visibilityQuery(filter),
      })
      .catch((err: unknown) => {
        if (fromCursor && (err as { code?: unknown }).code === INVALID_ARGUMENT) {
          throw invalidCursor('has expired: start again from the first page');
        }
        throw err;
      });
    const runs = await this.decode(response.executions ?? []);
    const nextToken = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
    return { runs, nextToken };
  }

  private async runs(query: string, max = 100): Promise<RecordRun[]> {
    const runs: RecordRun[] = [];
    let token: Uint8Array | undefined;
    do {
      const response = await this.temporal.workflowService.listWorkflowExecutions({
        namespace: this.config.TEMPORAL_NAMESPACE,
        pageSize: 100,
        nextPageToken: token,
        query,
      });
      runs.push(...(await this.decode(response.executions ?? [])));
      token = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
    } while (token && runs.length < max);
    // Newest run of each workflow only: an older run's record is the one a redelivery carried over.
    runs.sort((a, b) => b.startedAt - a.startedAt);
    const seen = new Set<string>();
    return runs.filter((run) => !seen.has(run.workflowId) && seen.add(run.workflowId));
  }

  private async decode(executions: Execution[]): Promise<RecordRun[]> {
    const seen = new Set<string>();
    const runs: RecordRun[] = [];
    for (const execution of executions) {
      const workflowId = execution.execution?.workflowId ?? '';
      if (seen.has(workflowId)) continue;
      seen.add(workflowId);
      const memo = await decodeMapFromPayloads(
        this.temporal.workflow.options.loadedDataConverter,
        execution.memo?.fields,
      );
      const record = memo?.callbacks as CallbacksRecord | undefined;
      if (!record) continue;
      runs.push({ workflowId, startedAt: Number(execution.startTime?.seconds ?? 0) * 1000, record });
    }
    return runs;
  }
}

/** The search attributes select workflows holding a matching event; `matching` then picks the events. */
function visibilityQuery(filter: EventFilter): string {
  const clauses = [`WorkflowType = 'callbacks'`];
  if (filter.externalReference) clauses.push(`CallbackReference = '${filter.externalReference}'`);
  if (filter.type) clauses.push(`CallbackEventTypes = '${filter.type}'`);
  if (filter.delivery) clauses.push(`CallbackDelivery = '${filter.delivery}'`);
  return clauses.join(' AND ');
}

function matching(record: CallbacksRecord, filter: EventFilter): RecordedEvent[] {
  return record.events.filter(
    (e) =>
      (filter.type === undefined || e.event.type === filter.type) &&
      (filter.delivery === undefined || e.delivery === filter.delivery) &&
      (filter.externalReference === undefined || e.event.data.externalReference === filter.externalReference),
  );
}

/** gRPC INVALID_ARGUMENT: not retried by the client's interceptor, so it arrives at once. */
const INVALID_ARGUMENT = 3;

import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CallbackActivities } from '../../activities/callbacks.js';
import { callbackEventsSignal, callbacksRecordQuery, lifecycleClosedSignal, redeliverSignal } from './messages.js';
import { applyOutcome, nextRetryInMs, publication, type Publication } from './record.js';
import { DEFAULT_RETRY_SCHEDULE, DeliveryState, type CallbacksRecord } from './types.js';

const { deliverEvents } = proxyActivities<CallbackActivities>({
  startToCloseTimeout: '2 minutes',
  // One attempt per activity: every attempt is recorded by this workflow, which retries on its own schedule.
  retry: { maximumAttempts: 1 },
});

/**
 * The events of one lifecycle run and their delivery, readable while the namespace keeps the run (30 days).
 * The lifecycle records here what it delivered itself when it closes, or hands its delivery over at the first
 * event its service did not take: then this workflow retries in order, each event for the retry period, while
 * the lifecycle signals its later events. The record is the memo (read by the events API's lists), the search
 * attributes say which types and delivery states it holds, and a redelivery sends events again with their id.
 */
export async function callbacks(input: { lifecycleOpen: boolean }): Promise<void> {
  // The record comes as the memo only (the events API lists it from there): not twice in each history.
  const record = JSON.parse(JSON.stringify(workflowInfo().memo?.callbacks)) as CallbacksRecord;
  let lifecycleOpen = input.lifecycleOpen;
  setHandler(callbacksRecordQuery, () => record);
  setHandler(callbackEventsSignal, (events) => {
    const known = new Set(record.events.map((e) => e.event.id));
    record.events.push(...events.filter((e) => !known.has(e.event.id)));
  });
  setHandler(lifecycleClosedSignal, () => void (lifecycleOpen = false));
  setHandler(redeliverSignal, (ids) => {
    for (const recorded of record.events) {
      if (!ids.includes(recorded.event.id) || recorded.delivery === DeliveryState.PENDING) continue;
      recorded.delivery = DeliveryState.PENDING;
      recorded.pendingSince = new Date(Date.now()).toISOString();
    }
  });

  // Started with its memo and search attributes: only changes are upserted.
  let published: Publication = publication(record);
  const publish = () => {
    const now = publication(record);
    if (now.attributesKey !== published.attributesKey) upsertSearchAttributes(now.searchAttributes);
    if (now.memoKey !== published.memoKey) upsertMemo({ callbacks: record });
    published = now;
  };
  const pending = () => record.events.filter((e) => e.delivery === DeliveryState.PENDING);

  for (;;) {
    publish();
    const batch = pending();
    if (batch.length === 0) {
      if (!lifecycleOpen) break;
      await condition(() => pending().length > 0 || !lifecycleOpen);
      continue;
    }
    const outcome = await deliverEvents({ url: record.url, events: batch.map((e) => e.event) }).catch((err) => ({
      attempts: [
        {
          eventId: batch[0]!.event.id,
          attempt: { at: new Date(Date.now()).toISOString(), durationMs: 0, error: String(err) },
          delivered: false,
          permanent: false,
        },
      ],
      retry: undefined,
    }));
    applyOutcome(record, outcome.attempts);
    // The event the receiver did not take (a refused destination is already FAILED): retried before any later one.
    const refused = outcome.attempts.find((a) => !a.delivered);
    const head = record.events.find((e) => e.event.id === refused?.eventId && e.delivery === DeliveryState.PENDING);
    if (!head) continue;
    const wait = nextRetryInMs(head, outcome.retry ?? DEFAULT_RETRY_SCHEDULE, Date.now());
    if (wait === undefined) head.delivery = DeliveryState.FAILED;
    else await sleep(wait);
  }
  // No result: the record is the memo, already up to date.
  await condition(allHandlersFinished);
}

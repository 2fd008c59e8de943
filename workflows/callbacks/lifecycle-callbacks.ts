import {
  CancellationScope,
  ParentClosePolicy,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { CallbackActivities } from '../../activities/callbacks.js';
import { callbacks } from './callbacks.js';
import {
  callbackEventId,
  callbackEventsSignal,
  callbacksWorkflowId,
  lifecycleCallbacksQuery,
  lifecycleClosedSignal,
} from './messages.js';
import { publication, applyOutcome } from './record.js';
import { DeliveryState, type CallbackEvent, type CallbacksRecord, type RecordedEvent } from './types.js';

const DELIVERY_OPTIONS = {
  startToCloseTimeout: '1 minute',
  // The first attempt only: an event its service did not take is handed to the `callbacks` workflow, which retries.
  retry: { maximumAttempts: 1 },
} as const;
const { deliverEvents } = proxyActivities<CallbackActivities>(DELIVERY_OPTIONS);

export interface LifecycleCallbacks {
  /** A transition to tell the service of. Events of one workflow task go out together, in order. */
  add(event: Omit<CallbackEvent, 'id' | 'occurredAt'>): void;
  /** Waits until every event so far was delivered once or handed over (before the run waits or completes). */
  sent(): Promise<unknown>;
  /**
   * The run may end: records its events in a `callbacks` workflow, or tells the one it handed over to. Resolves
   * once no event is left unrecorded; events made afterwards (the run went on) are recorded by the next call.
   */
  closed(): Promise<unknown>;
}

/**
 * The service's callbacks of one lifecycle run. The lifecycle posts each event once itself, in order, with an
 * activity (one per workflow task's events): a service that answers costs no workflow per event. At the first
 * event not delivered, it hands the rest to a `callbacks` workflow (retries, then redelivery through the events
 * API) and signals it what comes later; a run whose service took everything records its events there as it
 * closes, so that every event of the last 30 days is listed the same way.
 */
export function lifecycleCallbacks(url: string, externalReference: string): LifecycleCallbacks {
  const lifecycleWorkflowId = workflowInfo().workflowId;
  const newRecord = (): CallbacksRecord => ({ url, lifecycleWorkflowId, externalReference, events: [] });
  // The events not recorded yet in a `callbacks` workflow that the run is done with.
  let record = newRecord();
  let queued: RecordedEvent[] = [];
  let sending: Promise<unknown> = Promise.resolve();
  let handedOverTo: string | undefined;
  // A query adds no command: runs of this code and their replays are unchanged by it.
  setHandler(lifecycleCallbacksQuery, () => record);

  const childOptions = (lifecycleOpen: boolean) => {
    const { searchAttributes } = publication(record);
    return {
      workflowId: callbacksWorkflowId(lifecycleWorkflowId, record.events[0]!.event.sequence),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ lifecycleOpen }] as const,
      memo: { callbacks: record },
      typedSearchAttributes: searchAttributes,
      staticSummary: `callbacks of ${externalReference}`,
    };
  };

  const send = async (batch: RecordedEvent[]) => {
    if (handedOverTo !== undefined) {
      await getExternalWorkflowHandle(handedOverTo).signal(callbackEventsSignal, batch);
      return;
    }
    const events = batch.map((e) => e.event);
    const startedAt = new Date(Date.now()).toISOString();
    const outcome = await deliverEvents
      .executeWithOptions({ ...DELIVERY_OPTIONS, summary: `callback ${events.at(-1)!.type}` }, [{ url, events }])
      .catch((err: unknown) => {
        // The activity itself failed (its worker died, it timed out): an attempt without an answer.
        const attempt = { at: startedAt, durationMs: 0, error: `delivery failed: ${String(err)}` };
        return { attempts: [{ eventId: events[0]!.id, attempt, delivered: false, permanent: false }] };
      });
    applyOutcome(record, outcome.attempts);
    if (batch.every((e) => e.delivery === DeliveryState.DELIVERED)) return;
    for (const e of batch) if (e.delivery === DeliveryState.PENDING) e.pendingSince ??= e.event.occurredAt;
    const child = await startChild(callbacks, childOptions(true));
    handedOverTo = child.workflowId;
  };

  const flush = () => {
    if (queued.length === 0) return;
    const batch = queued;
    queued = [];
    // Not cancellable: a transition made by a handler after a cancellation request still tells the service.
    sending = sending.then(() => CancellationScope.nonCancellable(() => send(batch)));
  };

  return {
    add(event) {
      const recordedEvent: RecordedEvent = {
        event: {
          ...event,
          id: callbackEventId(lifecycleWorkflowId, event.sequence),
          occurredAt: new Date(Date.now()).toISOString(),
        },
        delivery: DeliveryState.PENDING,
        attempts: [],
      };
      record.events.push(recordedEvent);
      queued.push(recordedEvent);
      // Transitions made in the same workflow task (PAID then SETTLED) go out in one activity.
      if (queued.length === 1) void Promise.resolve().then(flush);
    },
    sent() {
      flush();
      return sending;
    },
    async closed() {
      // A message handled while this waits (a return, a refund) can make a transition: its events are sent and
      // recorded too, in a record of their own (its id has their first sequence), before the run may complete.
      for (;;) {
        flush();
        await sending;
        if (record.events.length === 0) return;
        const to = handedOverTo;
        const options = childOptions(false);
        record = newRecord();
        handedOverTo = undefined;
        await CancellationScope.nonCancellable(async () => {
          if (to !== undefined) await getExternalWorkflowHandle(to).signal(lifecycleClosedSignal);
          else await startChild(callbacks, options);
        });
      }
    },
  };
}

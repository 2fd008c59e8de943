import type { SearchAttributePair } from '@temporalio/common';
import { CallbackDelivery, CallbackEventTypes, CallbackLifecycle, CallbackReference } from '../search-attributes.js';
import {
  DeliveryState,
  type CallbacksRecord,
  type DeliveryOutcome,
  type RecordedEvent,
  type RetrySchedule,
} from './types.js';

/** Records each attempt on its event: a 2xx delivers it, a refused destination fails it for good. */
export function applyOutcome(record: CallbacksRecord, attempts: DeliveryOutcome['attempts']): void {
  for (const { eventId, attempt, delivered, permanent } of attempts) {
    const recorded = record.events.find((e) => e.event.id === eventId);
    if (!recorded) continue;
    recorded.attempts.push(attempt);
    if (delivered) {
      recorded.delivery = DeliveryState.DELIVERED;
      delete recorded.pendingSince;
    } else if (permanent) {
      recorded.delivery = DeliveryState.FAILED;
    }
  }
}

/**
 * How long to wait before the next attempt of a pending event (the interval doubles with each attempt of the
 * period, up to the schedule's cap), or undefined once its retry period is over.
 */
export function nextRetryInMs(recorded: RecordedEvent, schedule: RetrySchedule, nowMs: number): number | undefined {
  const since = Date.parse(recorded.pendingSince ?? recorded.event.occurredAt);
  const attemptsInPeriod = recorded.attempts.filter((a) => Date.parse(a.at) >= since).length;
  const interval = Math.min(schedule.firstIntervalMs * 2 ** Math.max(0, attemptsInPeriod - 1), schedule.maxIntervalMs);
  return nowMs + interval - since > schedule.giveUpAfterMs ? undefined : interval;
}

/** What the events API lists a `callbacks` workflow by: its search attributes. The memo is the record itself. */
export interface Publication {
  searchAttributes: SearchAttributePair[];
  attributesKey: string;
  memoKey: string;
}

export function publication(record: CallbacksRecord): Publication {
  const types = [...new Set(record.events.map((e) => e.event.type))].sort();
  const states = [...new Set(record.events.map((e) => e.delivery))].sort();
  const attempts = record.events.reduce((sum, e) => sum + e.attempts.length, 0);
  return {
    searchAttributes: [
      { key: CallbackLifecycle, value: record.lifecycleWorkflowId },
      { key: CallbackReference, value: record.externalReference },
      { key: CallbackEventTypes, value: types },
      { key: CallbackDelivery, value: states },
    ],
    // The attributes change with the types and states only, the memo with every attempt.
    attributesKey: JSON.stringify([types, states]),
    memoKey: JSON.stringify([record.events.map((e) => e.delivery), attempts]),
  };
}

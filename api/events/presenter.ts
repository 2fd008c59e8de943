import type { DeliveryAttempt, RecordedEvent } from '../../workflows/callbacks/types.js';

function presentAttempt(attempt: DeliveryAttempt) {
  return {
    at: attempt.at,
    durationMs: attempt.durationMs,
    httpStatus: attempt.httpStatus ?? null,
    error: attempt.error ?? null,
  };
}

export function presentEventSummary({ event, delivery, attempts }: RecordedEvent) {
  const last = attempts.at(-1);
  return {
    id: event.id,
    type: event.type,
    externalReference: event.data.externalReference,
    occurredAt: event.occurredAt,
    delivery,
    attemptCount: attempts.length,
    lastAttempt: last ? presentAttempt(last) : null,
  };
}

/** The event as its service receives it (`payload`, the signed body) and every attempt to deliver it. */
export function presentEvent(recorded: RecordedEvent) {
  return { ...presentEventSummary(recorded), payload: recorded.event, attempts: recorded.attempts.map(presentAttempt) };
}

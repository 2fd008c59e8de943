/**
 * The callback delivery's data, shared by its workflows, its activity and the events API. Plain types only
 * (workflow code).
 */

/** A lifecycle event as services receive it: ids, status and amount only, never personal data. */
export interface CallbackEvent {
  /** Stable across delivery attempts and redeliveries: receivers deduplicate on it (`webhook-id`). */
  id: string;
  type: string;
  sequence: number;
  occurredAt: string;
  data: { externalReference: string; status: string; reason: string; amountCentavos: number };
}

/** One POST of an event to the service's `callbackUrl`. */
export interface DeliveryAttempt {
  at: string;
  durationMs: number;
  /** The receiver's HTTP status, when it answered. */
  httpStatus?: number;
  /** Why no 2xx came: a timeout, a refused connection, a refused destination. */
  error?: string;
}

export const DeliveryState = { PENDING: 'pending', DELIVERED: 'delivered', FAILED: 'failed' } as const;
export type DeliveryState = (typeof DeliveryState)[keyof typeof DeliveryState];

/** An event with every attempt made to deliver it. */
export interface RecordedEvent {
  event: CallbackEvent;
  delivery: DeliveryState;
  /** Since when it is pending: retries stop a retry period after this (a redelivery starts a new period). */
  pendingSince?: string;
  attempts: DeliveryAttempt[];
}

/** How the worker retries an undelivered event; from its configuration, so that tests can shorten it. */
export interface RetrySchedule {
  firstIntervalMs: number;
  maxIntervalMs: number;
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  firstIntervalMs: 5_000,
  maxIntervalMs: 30 * 60_000,
  giveUpAfterMs: 26 * 3600_000,
};

/** What one delivery activity did: the attempts it made, in order (it stops at the first event not delivered). */
export interface DeliveryOutcome {
  attempts: { eventId: string; attempt: DeliveryAttempt; delivered: boolean; permanent: boolean }[];
  retry: RetrySchedule;
}

/** The events of one lifecycle run and their delivery: the `callbacks` workflow's input, memo and result. */
export interface CallbacksRecord {
  url: string;
  lifecycleWorkflowId: string;
  externalReference: string;
  events: RecordedEvent[];
}

import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES, OUR_FAULT_TYPES } from '../connectpsp/non-retryable-error-types.js';

/**
 * Activity options for the ConnectPSP activities, one object per activity kind, ready for `proxyActivities`.
 * Workflow code imports this file, so it imports types only.
 *
 * Transient failures (5xx, 429, timeouts, network) are retried here, by Temporal, without limit. The listed
 * types are never retried by the activity: a business refusal is the lifecycle's outcome, and one of
 * {@link OUR_FAULT_TYPES} goes to the workflow at once so that it can show the episode (attention) and make the
 * same call again with its own capped backoff (`workflows/lifecycle/our-faults.ts`). Activities also mark every
 * business failure non-retryable one by one, because ConnectPSP may add codes this list does not know.
 *
 * Which of our faults is safe to retry, per write. Every write carries an idempotency key derived from the
 * workflow id and the operation (`connectpsp/idempotency.ts`), and the workflow retries with the same operation,
 * so ConnectPSP acts at most once per key and replays its first answer:
 * - createCashIn (`create`), createCashOut (`create`), rebalance (`rebalance`): INVALID_CREDENTIALS,
 *   INVALID_APPLICATION_TOKEN and INVALID_SIGNATURE are refused before ConnectPSP does anything, so nothing
 *   happened and a retry is a first try. CONNECTPSP_INVALID_RESPONSE means ConnectPSP may well have acted: the
 *   retry with the same key is answered with the same record (no second charge, payout or move of funds), and
 *   if the answer still breaks the contract the lifecycle stays parked, which is right: we cannot tell what
 *   happened. Timeouts: same as an invalid response, the key makes the retry a replay.
 * - refundCashIn (`refund:<endToEndId>[:attempt]`): all of the above for the same reasons; TRANSACTION_NOT_FOUND
 *   (the payment ConnectPSP reported to us is unknown to it) is retried too: the refund was not made, and its key
 *   keeps a later success single.
 * Reads (getCashIn, getCashOut, getBalance) change nothing, so every failure of theirs is safe to retry.
 */

/** Failure types the activity never retries, plus our own refusal of an amount that cannot be sent exactly. */
export const CONNECTPSP_NON_RETRYABLE_ERROR_TYPES: readonly string[] = [...NON_RETRYABLE_ERROR_TYPES, 'INVALID_AMOUNT'];
export { OUR_FAULT_TYPES };

const retry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: [...CONNECTPSP_NON_RETRYABLE_ERROR_TYPES],
};

// One attempt may fetch a token, be refused with 401, re-authenticate and retry: up to four exchanges, each
// bounded by the transport's connect (5 s) and response (15 s) timeouts in the worst case.
const ATTEMPT_TIMEOUT = '90 seconds';

/** Reads (getCashIn, getCashOut, getBalance): retried until ConnectPSP answers. */
export const connectPspReadActivityOptions: ActivityOptions = {
  startToCloseTimeout: ATTEMPT_TIMEOUT,
  retry: { ...retry, maximumInterval: '30 seconds' },
};

/** Writes (createCashIn, createCashOut, refundCashIn, rebalance): retried until done. */
export const connectPspWriteActivityOptions: ActivityOptions = {
  startToCloseTimeout: ATTEMPT_TIMEOUT,
  retry,
};

/**
 * createCashIn as a local activity: it runs inside the workflow task that accepted the create, so the QR code
 * reaches the waiting service without an activity task, its dispatch and a second workflow task. Same attempt
 * timeout and retries as the other writes; the idempotency key is the workflow's own, whichever attempt runs.
 */
export const connectPspCreateCashInLocalActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: ATTEMPT_TIMEOUT,
  retry,
};

/**
 * getCashOut as a local activity, for a payout's status checks: the answer lands in the
 * workflow task that asked, without an activity task, its dispatch and a second workflow task (5 history events
 * fewer per check). A read is safe to cut and repeat, so an attempt gets 20 s, and a retry due later than 5 s
 * waits on a timer between workflow tasks instead of holding one open.
 */
export const connectPspReadLocalActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: '20 seconds',
  localRetryThreshold: '5 seconds',
  retry: connectPspReadActivityOptions.retry,
};

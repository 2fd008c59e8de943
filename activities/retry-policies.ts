import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES } from '../connectpsp/non-retryable-error-types.js';

/**
 * Activity options for the ConnectPSP activities, one object per activity kind, ready for `proxyActivities`.
 * Workflow code imports this file, so it imports types only.
 *
 * Writes may be retried without limit because each carries a deterministic idempotency key: ConnectPSP replays
 * its first answer instead of acting twice. The listed types are never retried; activities also mark every
 * business failure non-retryable one by one, because ConnectPSP may add codes this list does not know.
 */

/** Failure types that no retry can cure, plus our own refusal of an amount that cannot be sent exactly. */
export const CONNECTPSP_NON_RETRYABLE_ERROR_TYPES: readonly string[] = [...NON_RETRYABLE_ERROR_TYPES, 'INVALID_AMOUNT'];

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

/** Writes with no one waiting on the line (createCashOut, refundCashIn, rebalance): retried until done. */
export const connectPspWriteActivityOptions: ActivityOptions = {
  startToCloseTimeout: ATTEMPT_TIMEOUT,
  retry,
};

/**
 * createCashIn: a service waits for the QR code, and a QR code delivered minutes late is worthless, so the
 * workflow gets a failure after two minutes and decides (it can still look the cash-in up by reference).
 */
export const connectPspCreateCashInActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry,
};

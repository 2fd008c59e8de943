import { ApplicationFailure } from '@temporalio/common';
import { ConnectPspError } from '../connectpsp/errors.js';
import { MoneyError } from '../connectpsp/money.js';
import { redact } from '../connectpsp/redact.js';

/**
 * The single translation from the ConnectPSP error taxonomy to Temporal failures. The failure `type` is the
 * ConnectPSP `code` (or our local code), which is what workflows branch on and what
 * `retry-policies.ts` lists as non-retryable; the details keep the problem body, with personal data masked
 * because failures are shown in the Temporal UI.
 */

/** Details attached to every ConnectPSP failure (first element of `ApplicationFailure.details`). */
export interface ConnectPspFailureDetails {
  kind: string;
  code: string;
  status: number | null;
  operation: string | null;
  problem: unknown;
}

/** Local failure type of an amount that is not a whole number of centavos. */
export const INVALID_AMOUNT = 'INVALID_AMOUNT';

export function toTemporalFailure(error: unknown): unknown {
  if (error instanceof ConnectPspError) {
    const details: ConnectPspFailureDetails = {
      kind: error.kind,
      code: error.code,
      status: error.status ?? null,
      operation: error.operation ?? null,
      problem: error.problem === undefined ? null : redact(error.problem),
    };
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      // Business and configuration errors cannot be cured by retrying; every other kind can.
      nonRetryable: !error.retryable,
      details: [details],
    });
  }
  if (error instanceof MoneyError) {
    return ApplicationFailure.create({ type: INVALID_AMOUNT, message: error.message, nonRetryable: true });
  }
  // Cancellation (CancelledFailure) and anything unexpected pass through untouched.
  return error;
}

/**
 * Failure types that retrying at once cannot cure, in two kinds that end very differently. No imports:
 * workflow code reads these lists through `activities/retry-policies.ts`.
 */

/**
 * ConnectPSP refused the request for what it is: a terminal business outcome in the lifecycle's view. Business
 * codes are open-ended (ConnectPSP may add more), so activities also mark every business failure non-retryable
 * one by one; a code not listed here and not in {@link OUR_FAULT_TYPES} is a refusal too.
 */
export const BUSINESS_REFUSAL_TYPES = [
  'VALIDATION_ERROR',
  'DUPLICATE_EXTERNAL_REFERENCE',
  'IDEMPOTENCY_KEY_REUSED',
  'INSUFFICIENT_FUNDS',
  'CASH_IN_NOT_PAID',
  'CASH_IN_ALREADY_REFUNDED',
  'CASH_IN_EXPIRED',
  'CASH_IN_CANCELLED',
  'MISSING_END_TO_END_ID',
] as const;

/**
 * Our own faults and contract surprises: wrong credentials or signing key, an answer that breaks the contract,
 * and a 404 for a transaction ConnectPSP itself gave us. They say nothing about the payment, so they never end a
 * lifecycle: the activity fails fast and the workflow parks, asking again with capped backoff, until an operator
 * fixes the cause (`workflows/lifecycle/our-faults.ts`).
 */
export const OUR_FAULT_TYPES = [
  'INVALID_CREDENTIALS',
  'INVALID_APPLICATION_TOKEN',
  'INVALID_SIGNATURE',
  'CONNECTPSP_INVALID_RESPONSE',
  'TRANSACTION_NOT_FOUND',
] as const;

export const NON_RETRYABLE_ERROR_TYPES = [...OUR_FAULT_TYPES, ...BUSINESS_REFUSAL_TYPES] as const;

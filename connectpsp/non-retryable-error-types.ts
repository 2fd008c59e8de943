/**
 * Failure types that no retry can cure without a change somewhere else: configuration (credentials, signing
 * key), contract breaks, and the business refusals known in advance. Business codes are open-ended (ConnectPSP
 * may add more), so activities also mark every business failure non-retryable one by one. No imports: workflow
 * code reads this list through `activities/retry-policies.ts`.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'INVALID_CREDENTIALS',
  'INVALID_APPLICATION_TOKEN',
  'INVALID_SIGNATURE',
  'CONNECTPSP_INVALID_RESPONSE',
  'VALIDATION_ERROR',
  'TRANSACTION_NOT_FOUND',
  'DUPLICATE_EXTERNAL_REFERENCE',
  'IDEMPOTENCY_KEY_REUSED',
  'INSUFFICIENT_FUNDS',
  'CASH_IN_NOT_PAID',
  'CASH_IN_ALREADY_REFUNDED',
  'CASH_IN_EXPIRED',
  'CASH_IN_CANCELLED',
  'MISSING_END_TO_END_ID',
] as const;

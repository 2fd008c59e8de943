import { z } from 'zod';

/**
 * Machine codes of ConnectPSP problems. The documented ones come first; the rest are the sandbox's names for
 * situations whose real code is undocumented (marked "simulator-specific").
 */
export const ProblemCode = {
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  INVALID_APPLICATION_TOKEN: 'INVALID_APPLICATION_TOKEN',
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  CASH_IN_NOT_PAID: 'CASH_IN_NOT_PAID',
  CASH_IN_ALREADY_REFUNDED: 'CASH_IN_ALREADY_REFUNDED',
  CASH_IN_EXPIRED: 'CASH_IN_EXPIRED',
  CASH_IN_CANCELLED: 'CASH_IN_CANCELLED',
  MISSING_END_TO_END_ID: 'MISSING_END_TO_END_ID',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  /** Simulator-specific: malformed JSON or a field failing validation (400). */
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  /** Simulator-specific: bearer token missing, malformed or not signed by ConnectPSP (401). */
  INVALID_TOKEN: 'INVALID_TOKEN',
  /** Simulator-specific: no transaction with that id for this application (404). */
  TRANSACTION_NOT_FOUND: 'TRANSACTION_NOT_FOUND',
  /** Simulator-specific: no such route (404). */
  NOT_FOUND: 'NOT_FOUND',
  /** Simulator-specific: the `externalReference` was already used by this application (409). */
  DUPLICATE_EXTERNAL_REFERENCE: 'DUPLICATE_EXTERNAL_REFERENCE',
  /** Simulator-specific: the `X-Idempotency-Key` was already used with a different body (422). */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** Simulator-specific: unexpected server error (500). */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/** Prefix of problem `type` URIs; the rest is the code lower-cased with `_` turned into `-`. */
export const PROBLEM_TYPE_BASE = 'https://connect-psp.redocly.app/errors/';

/** `INSUFFICIENT_FUNDS` → `https://connect-psp.redocly.app/errors/insufficient-funds`. */
export function problemTypeUri(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replaceAll('_', '-');
}

/** One offending field of a 400 VALIDATION_ERROR (after RFC 7807's `invalid-params` example). */
export const InvalidParamSchema = z.looseObject({
  name: z.string(),
  reason: z.string(),
});
export type InvalidParam = z.infer<typeof InvalidParamSchema>;

/** RFC 7807 body (`application/problem+json`) of every ConnectPSP 4xx/5xx. Branch on `code`. */
export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().min(1),
  detail: z.string().optional(),
  invalidParams: z.array(InvalidParamSchema).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

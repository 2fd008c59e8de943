/**
 * Every machine `code` our API answers with, its HTTP status and what it means: the catalogue the OpenAPI
 * document's error responses are built from. A route's documentation names the codes it can answer with.
 */
export interface ProblemCode {
  status: number;
  title: string;
  description: string;
}

export const PROBLEM_CODES = {
  VALIDATION_ERROR: {
    status: 400,
    title: 'Invalid request',
    description: 'A field of the body or query is invalid; `errors` lists each offending field.',
  },
  MALFORMED_REQUEST: { status: 400, title: 'Malformed request', description: 'The body is not valid JSON.' },
  BAD_REQUEST: { status: 400, title: 'Bad request', description: 'The request cannot be processed as sent.' },
  INVALID_EVENT: {
    status: 400,
    title: 'Invalid event',
    description: 'A correctly signed webhook whose body is not a ConnectPSP event envelope of a known shape.',
  },
  UNAUTHENTICATED: {
    status: 401,
    title: 'Unauthenticated',
    description: 'No credentials, or an API key or OIDC token that is not valid (see `WWW-Authenticate`).',
  },
  INVALID_SIGNATURE: {
    status: 401,
    title: 'Invalid signature',
    description: '`X-Connect-Signature` is missing or does not match the body.',
  },
  INSUFFICIENT_SCOPE: {
    status: 403,
    title: 'Forbidden',
    description: 'The credential is valid but lacks the scope the route needs (`requiredScope`).',
  },
  NOT_FOUND: { status: 404, title: 'Not found', description: 'No payment with this `externalReference`.' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Not found', description: 'No such route.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    description: 'The path exists but not with this method; `Allow` lists the methods it takes.',
  },
  EXTERNAL_REFERENCE_CONFLICT: {
    status: 409,
    title: 'Conflict',
    description:
      'A payment with this `externalReference` exists with a different body; `currentStatus` says its state.',
  },
  INVALID_STATE: {
    status: 409,
    title: 'Conflict',
    description: 'The action is not allowed in the payment’s current state; `currentStatus` says which it is.',
  },
  REFUND_WINDOW_CLOSED: {
    status: 409,
    title: 'Conflict',
    description: 'Refunds are accepted up to 90 days after payment.',
  },
  REQUEST_ID_CONFLICT: {
    status: 409,
    title: 'Conflict',
    description: 'This rebalance `requestId` was already used with a different `targetAmount`.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large', description: 'The body is too large.' },
  CONNECTPSP_REFUSAL: {
    status: 422,
    title: 'Refused by ConnectPSP',
    description:
      'ConnectPSP refused the operation. `code` is ConnectPSP’s own code (e.g. `INSUFFICIENT_BALANCE`) and ' +
      '`source` is `connectpsp`; a ConnectPSP `VALIDATION_ERROR` answers 400, a `DUPLICATE_*` code 409.',
  },
  UNDECODABLE_PAYLOAD: {
    status: 422,
    title: 'Undecodable payload',
    description: 'A payload’s key id is unknown or its ciphertext was tampered with.',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    description: 'The rate limit was exceeded; retry after `Retry-After` seconds.',
  },
  INTERNAL_ERROR: { status: 500, title: 'Internal error', description: 'An unexpected error; nothing is leaked.' },
  NOT_READY: {
    status: 503,
    title: 'Not ready',
    description: 'A dependency (Temporal or ConnectPSP) is not usable; `checks` says which.',
  },
  TEMPORARILY_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    description:
      'Temporal or its workers did not answer in time; retry after `Retry-After` seconds. A create may have ' +
      'started the payment: the same request again attaches to it and answers its state.',
  },
} as const satisfies Record<string, ProblemCode>;

export type ProblemCodeName = keyof typeof PROBLEM_CODES;

import { redactText } from './redact.js';

/**
 * The one error taxonomy of the ConnectPSP integration. Every failure of a call (a problem+json answer, a
 * socket error, a timeout, a body that does not match the contract) becomes exactly one
 * {@link ConnectPspError} here, with a stable `code` and a {@link ConnectPspErrorKind} that decides whether a
 * retry can help. Activities map the kind to Temporal's retry behaviour in one place
 * (`activities/failures.ts`); nothing else inspects HTTP statuses.
 */

export const ConnectPspErrorKind = {
  /** The request was understood and refused (400, 404, 409, 422, other 4xx): retrying the same call cannot help. */
  Business: 'BUSINESS',
  /** Our credentials or signing key are wrong: only an operator can fix it, so retrying is pointless. */
  Configuration: 'CONFIGURATION',
  /** The JWT was refused as expired or invalid; the client re-authenticates once before surfacing it. */
  Authentication: 'AUTHENTICATION',
  /** 5xx, 429, connection failures and timeouts: the same call may well succeed later. */
  Transient: 'TRANSIENT',
  /** ConnectPSP answered with a body that breaks the contract; retrying would replay the same answer. */
  InvalidResponse: 'INVALID_RESPONSE',
} as const;
export type ConnectPspErrorKind = (typeof ConnectPspErrorKind)[keyof typeof ConnectPspErrorKind];

/** Codes we give to failures that carry no ConnectPSP code of their own. */
export const LocalErrorCode = {
  Timeout: 'CONNECTPSP_TIMEOUT',
  Network: 'CONNECTPSP_NETWORK_ERROR',
  Unavailable: 'CONNECTPSP_UNAVAILABLE',
  InvalidResponse: 'CONNECTPSP_INVALID_RESPONSE',
} as const;

/** ConnectPSP codes that mean our own setup is wrong, with what an operator should check. */
export const CONFIGURATION_ERROR_HINTS: Readonly<Record<string, string>> = {
  INVALID_CREDENTIALS: 'check CONNECTPSP_CLIENT_ID and CONNECTPSP_CLIENT_SECRET (staging and production differ)',
  INVALID_APPLICATION_TOKEN:
    'check CONNECTPSP_APPLICATION_TOKEN: it must be the ApplicationToken GUID issued for the same client id',
  INVALID_SIGNATURE:
    'check CONNECTPSP_CRYPTO_TOKEN: DigitalSignature is the HMAC-SHA256 of the JWT keyed with the CryptoToken',
};

/** The RFC 7807 body as received; kept whole so that callers (and Temporal failure details) lose nothing. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  [extra: string]: unknown;
}

export interface ConnectPspErrorInit {
  kind: ConnectPspErrorKind;
  code: string;
  message: string;
  /** HTTP status when ConnectPSP answered at all. */
  status?: number;
  problem?: ProblemBody;
  /** `METHOD /path` of the failed call, never with a body or headers. */
  operation?: string;
  cause?: unknown;
}

export class ConnectPspError extends Error {
  override name = 'ConnectPspError';
  readonly kind: ConnectPspErrorKind;
  readonly code: string;
  readonly status: number | undefined;
  readonly problem: ProblemBody | undefined;
  readonly operation: string | undefined;

  constructor(init: ConnectPspErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status;
    this.problem = init.problem;
    this.operation = init.operation;
  }

  /** Whether the same call, made again later, may succeed. */
  get retryable(): boolean {
    return this.kind === ConnectPspErrorKind.Transient || this.kind === ConnectPspErrorKind.Authentication;
  }
}

export function isConnectPspError(error: unknown): error is ConnectPspError {
  return error instanceof ConnectPspError;
}

function asProblem(body: unknown): ProblemBody | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return body as ProblemBody;
}

/** Classifies a non-2xx answer. The body is whatever JSON came back (problem+json, or nothing usable). */
export function errorFromResponse(status: number, body: unknown, operation: string): ConnectPspError {
  const problem = asProblem(body);
  const code = typeof problem?.code === 'string' && problem.code !== '' ? problem.code : `HTTP_${status}`;
  const detail = typeof problem?.detail === 'string' ? problem.detail : (problem?.title ?? `HTTP ${status}`);
  const base = { code, status, problem, operation };

  const hint = CONFIGURATION_ERROR_HINTS[code];
  if (hint !== undefined) {
    return new ConnectPspError({
      ...base,
      kind: ConnectPspErrorKind.Configuration,
      message: `${operation}: ConnectPSP refused our configuration (${code}): ${hint}`,
    });
  }
  if (status === 401) {
    // A 401 without a known configuration code is about the JWT: missing, malformed or expired.
    return new ConnectPspError({
      ...base,
      kind: ConnectPspErrorKind.Authentication,
      message: `${operation}: ConnectPSP refused the access token (${code})`,
    });
  }
  if (status >= 500 || status === 429 || status === 408) {
    return new ConnectPspError({
      ...base,
      code: problem?.code ?? LocalErrorCode.Unavailable,
      kind: ConnectPspErrorKind.Transient,
      message: `${operation}: ConnectPSP is unavailable (HTTP ${status}, ${problem?.code ?? 'no code'})`,
    });
  }
  return new ConnectPspError({
    ...base,
    kind: ConnectPspErrorKind.Business,
    // The detail may echo a request field (a document, a PIX key); messages end up in logs and the Temporal UI.
    message: `${operation}: ${code}: ${redactText(detail)}`,
  });
}

/** True for a 401 about the JWT (TOKEN_EXPIRED, a missing or invalid token), which one re-authentication may cure. */
export function isTokenRejection(error: unknown): error is ConnectPspError {
  return error instanceof ConnectPspError && error.kind === ConnectPspErrorKind.Authentication;
}

export function timeoutError(operation: string, phase: string, timeoutMs: number, cause?: unknown): ConnectPspError {
  return new ConnectPspError({
    kind: ConnectPspErrorKind.Transient,
    code: LocalErrorCode.Timeout,
    message: `${operation}: no ${phase} from ConnectPSP within ${timeoutMs} ms`,
    operation,
    cause,
  });
}

export function networkError(operation: string, cause: unknown): ConnectPspError {
  const reason = cause instanceof Error ? `${(cause as { code?: string }).code ?? cause.name}` : 'unknown error';
  return new ConnectPspError({
    kind: ConnectPspErrorKind.Transient,
    code: LocalErrorCode.Network,
    message: `${operation}: network error talking to ConnectPSP (${reason})`,
    operation,
    cause,
  });
}

export function invalidResponseError(operation: string, status: number, issues: string): ConnectPspError {
  return new ConnectPspError({
    kind: ConnectPspErrorKind.InvalidResponse,
    code: LocalErrorCode.InvalidResponse,
    message: `${operation}: HTTP ${status} body does not match the ConnectPSP contract: ${issues}`,
    status,
    operation,
  });
}

export { NON_RETRYABLE_ERROR_TYPES } from './non-retryable-error-types.js';

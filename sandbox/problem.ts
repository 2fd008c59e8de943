import type { z } from 'zod';
import { problemTypeUri, ProblemCode } from '../connectpsp/schemas/index.js';
import type { InvalidParam, Problem } from '../connectpsp/schemas/index.js';

/** A ConnectPSP error as a value: thrown by handlers, turned into RFC 7807 `application/problem+json` once. */
export class ProblemError extends Error {
  override name = 'ProblemError';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly invalidParams?: InvalidParam[],
  ) {
    super(`${status} ${code}: ${detail}`);
  }

  toBody(): Problem {
    return {
      type: problemTypeUri(this.code),
      title: TITLES[this.code] ?? this.code,
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.invalidParams === undefined ? {} : { invalidParams: this.invalidParams }),
    };
  }
}

const TITLES: Record<string, string> = {
  [ProblemCode.INVALID_CREDENTIALS]: 'Invalid Credentials',
  [ProblemCode.TOKEN_EXPIRED]: 'Token Expired',
  [ProblemCode.INVALID_TOKEN]: 'Invalid Token',
  [ProblemCode.INVALID_APPLICATION_TOKEN]: 'Invalid Application Token',
  [ProblemCode.INVALID_SIGNATURE]: 'Invalid Signature',
  [ProblemCode.CASH_IN_NOT_PAID]: 'Cash-In Not Paid',
  [ProblemCode.CASH_IN_ALREADY_REFUNDED]: 'Cash-In Already Refunded',
  [ProblemCode.CASH_IN_EXPIRED]: 'Cash-In Expired',
  [ProblemCode.CASH_IN_CANCELLED]: 'Cash-In Cancelled',
  [ProblemCode.MISSING_END_TO_END_ID]: 'Missing End-To-End ID',
  [ProblemCode.INSUFFICIENT_FUNDS]: 'Insufficient Funds',
  [ProblemCode.VALIDATION_ERROR]: 'Validation Error',
  [ProblemCode.TRANSACTION_NOT_FOUND]: 'Transaction Not Found',
  [ProblemCode.NOT_FOUND]: 'Not Found',
  [ProblemCode.DUPLICATE_EXTERNAL_REFERENCE]: 'Duplicate External Reference',
  [ProblemCode.IDEMPOTENCY_KEY_REUSED]: 'Idempotency Key Reused',
  [ProblemCode.INTERNAL_ERROR]: 'Internal Server Error',
  BAD_GATEWAY: 'Bad Gateway',
  SERVICE_UNAVAILABLE: 'Service Unavailable',
  GATEWAY_TIMEOUT: 'Gateway Timeout',
  INVALID_STATE: 'Invalid State',
};

/** 400 VALIDATION_ERROR naming every offending field. */
export function validationProblem(error: z.ZodError): ProblemError {
  const invalidParams = error.issues.map((issue) => ({
    name: issue.path.length === 0 ? '(body)' : issue.path.join('.'),
    reason: issue.message,
  }));
  const names = [...new Set(invalidParams.map((param) => param.name))];
  return new ProblemError(400, ProblemCode.VALIDATION_ERROR, `Invalid field(s): ${names.join(', ')}.`, invalidParams);
}

export function notFound(id: string): ProblemError {
  return new ProblemError(
    404,
    ProblemCode.TRANSACTION_NOT_FOUND,
    `Transaction ${id} does not exist for this application.`,
  );
}

/** A test control on a transaction in the wrong state: 409 `INVALID_STATE`, naming the state it is in. */
export function requireStatus<S extends string>(
  kind: 'Cash-in' | 'Cash-out',
  record: { transactionId: string; status: S },
  status: S,
  action: string,
): void {
  if (record.status !== status) {
    throw new ProblemError(
      409,
      'INVALID_STATE',
      `${kind} ${record.transactionId} is ${record.status} and cannot be ${action}.`,
    );
  }
}

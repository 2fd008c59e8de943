import { ApplicationFailure } from '@temporalio/common';
import { INVALID_AMOUNT, toTemporalFailure } from '../../activities/failures.js';
import { CONNECTPSP_NON_RETRYABLE_ERROR_TYPES } from '../../activities/retry-policies.js';
import {
  ConnectPspErrorKind,
  NON_RETRYABLE_ERROR_TYPES,
  errorFromResponse,
  invalidResponseError,
  networkError,
  timeoutError,
} from '../../connectpsp/errors.js';
import { MoneyError } from '../../connectpsp/money.js';
import { problemTypeUri } from '../../connectpsp/schemas/index.js';

function problem(status: number, code: string, detail = 'something happened') {
  return { type: problemTypeUri(code), title: code, status, code, detail };
}

describe('the ConnectPSP error taxonomy', () => {
  test.each([
    [400, 'VALIDATION_ERROR'],
    [404, 'TRANSACTION_NOT_FOUND'],
    [409, 'DUPLICATE_EXTERNAL_REFERENCE'],
    [422, 'INSUFFICIENT_FUNDS'],
    [422, 'CASH_IN_NOT_PAID'],
  ])('a %i %s is a non-retryable business error keeping its code', (status, code) => {
    const error = errorFromResponse(status, problem(status, code), 'POST /cash-out');
    expect(error.kind).toBe(ConnectPspErrorKind.Business);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(false);
    expect(error.problem?.code).toBe(code);
  });

  test.each([
    [401, 'INVALID_CREDENTIALS', 'CONNECTPSP_CLIENT_ID'],
    [401, 'INVALID_APPLICATION_TOKEN', 'CONNECTPSP_APPLICATION_TOKEN'],
    [422, 'INVALID_SIGNATURE', 'CONNECTPSP_CRYPTO_TOKEN'],
  ])('a %i %s is a non-retryable configuration error naming what to check', (status, code, variable) => {
    const error = errorFromResponse(status, problem(status, code), 'POST /cash-out');
    expect(error.kind).toBe(ConnectPspErrorKind.Configuration);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(variable);
  });

  test.each(['TOKEN_EXPIRED', 'INVALID_TOKEN'])('a 401 %s is an authentication error the client may cure', (code) => {
    const error = errorFromResponse(401, problem(401, code), 'GET /cash-in/{id}');
    expect(error.kind).toBe(ConnectPspErrorKind.Authentication);
    expect(error.retryable).toBe(true);
  });

  test.each([500, 502, 503, 429])('HTTP %i with or without a problem body is transient', (status) => {
    expect(errorFromResponse(status, problem(status, 'INTERNAL_ERROR'), 'GET /account/balance').retryable).toBe(true);
    const bare = errorFromResponse(status, undefined, 'GET /account/balance');
    expect(bare.kind).toBe(ConnectPspErrorKind.Transient);
    expect(bare.code).toBe('CONNECTPSP_UNAVAILABLE');
  });

  test('network errors and timeouts are transient; contract-breaking answers are not', () => {
    expect(networkError('POST /cash-in', new Error('ECONNRESET')).retryable).toBe(true);
    expect(timeoutError('POST /cash-in', 'response', 1000).retryable).toBe(true);
    expect(invalidResponseError('POST /cash-in', 201, 'amount: required').retryable).toBe(false);
  });

  test('a detail echoing personal data is masked in the message', () => {
    const error = errorFromResponse(400, problem(400, 'VALIDATION_ERROR', 'document 12345678909 is invalid'), 'x');
    expect(error.message).not.toContain('12345678909');
  });

  test('the workflow-safe retry policy lists exactly the taxonomy’s non-retryable types', () => {
    expect(new Set(CONNECTPSP_NON_RETRYABLE_ERROR_TYPES)).toEqual(
      new Set([...NON_RETRYABLE_ERROR_TYPES, INVALID_AMOUNT]),
    );
  });
});

describe('toTemporalFailure', () => {
  test('a business error becomes a non-retryable ApplicationFailure typed by its code with the problem in details', () => {
    const body = problem(422, 'INSUFFICIENT_FUNDS', 'R$ 500.00 exceeds available balance of R$ 100.00');
    const failure = toTemporalFailure(errorFromResponse(422, body, 'POST /cash-out'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const app = failure as ApplicationFailure;
    expect(app.type).toBe('INSUFFICIENT_FUNDS');
    expect(app.nonRetryable).toBe(true);
    expect(app.details?.[0]).toMatchObject({ kind: 'BUSINESS', status: 422, problem: body });
  });

  test('a transient error becomes a retryable ApplicationFailure', () => {
    const app = toTemporalFailure(errorFromResponse(503, undefined, 'GET /cash-in/{id}')) as ApplicationFailure;
    expect(app.type).toBe('CONNECTPSP_UNAVAILABLE');
    expect(app.nonRetryable).toBe(false);
  });

  test('an amount that is not whole centavos is non-retryable', () => {
    const app = toTemporalFailure(new MoneyError('bad')) as ApplicationFailure;
    expect(app.type).toBe(INVALID_AMOUNT);
    expect(app.nonRetryable).toBe(true);
  });

  test('anything else, such as a cancellation, passes through unchanged', () => {
    const other = new Error('cancelled');
    expect(toTemporalFailure(other)).toBe(other);
  });
});

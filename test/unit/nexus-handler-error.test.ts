import { HandlerError } from 'nexus-rpc';
import { connectPspRefusal } from '../../api/cash-ins/failure-problem.js';
import { badRequest, conflict, notFound, unavailable } from '../../api/problem.js';
import { asHandlerError } from '../../nexus/handler-error.js';

test.each([
  [
    'a field',
    badRequest('The body has 1 invalid field(s): amount', [{ field: 'amount', message: 'too big' }]),
    'BAD_REQUEST',
  ],
  ['ConnectPSP refusing', connectPspRefusal({ code: 'INSUFFICIENT_FUNDS', message: 'no balance' }), 'BAD_REQUEST'],
  ['an unknown reference', notFound('No cash-in with externalReference x'), 'NOT_FOUND'],
  ['a wrong state', conflict('INVALID_STATE', 'The cash-in is EXPIRED'), 'CONFLICT'],
])('%s is the caller’s fault, never retried', (_what, problem, type) => {
  const error = asHandlerError(problem);
  expect(error.type).toBe(type);
  expect(error.retryable).toBe(false);
  expect(error.message.startsWith(`${problem.body.code}: `)).toBe(true);
});

test('a validation error names every field and why', () => {
  const error = asHandlerError(
    badRequest('The body has 2 invalid field(s): amount, payer.document', [
      { field: 'amount', message: 'must have at most 2 decimal places' },
      { field: 'payer.document', message: 'must be a valid CPF or CNPJ' },
    ]),
  );
  expect(error.message).toBe(
    'VALIDATION_ERROR: The body has 2 invalid field(s): amount, payer.document ' +
      '(amount: must have at most 2 decimal places; payer.document: must be a valid CPF or CNPJ)',
  );
});

test('Temporal not answering is retried as UNAVAILABLE', () => {
  const error = asHandlerError(unavailable('Temporal did not answer within 1500 ms; retry shortly'));
  expect(error.type).toBe('UNAVAILABLE');
  expect(error.retryable).toBe(true);
});

test('any other error is our fault: retried, its message kept out of the answer', () => {
  const error = asHandlerError(new Error('connect ECONNREFUSED 10.0.0.7:7233'));
  expect(error.type).toBe('INTERNAL');
  expect(error.retryable).toBe(true);
  expect(error.message).not.toContain('10.0.0.7');
});

test('a handler error passes through as it is', () => {
  const original = new HandlerError('NOT_IMPLEMENTED', 'no');
  expect(asHandlerError(original)).toBe(original);
});

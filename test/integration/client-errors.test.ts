import { SANDBOX_CREDENTIALS } from '../../config/env.js';
import { ConnectPspClient, type ConnectPspCredentials } from '../../connectpsp/client.js';
import { ConnectPspError, ConnectPspErrorKind } from '../../connectpsp/errors.js';
import type { ExchangeEvent } from '../../connectpsp/logger.js';
import { createSandbox, type RunningSandbox } from '../../sandbox/app.js';

/** Each class of the error taxonomy, produced by the sandbox over real HTTP. */

const payer = { name: 'Maria Silva', document: '12345678909' };
const pixPayee = { ...payer, destination: { type: 'PIX' as const, pixKeyType: 'CPF' as const, pixKey: '12345678909' } };

async function failure(promise: Promise<unknown>): Promise<ConnectPspError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectPspError);
  return error as ConnectPspError;
}

describe('ConnectPSP errors', () => {
  let sandbox: RunningSandbox;
  let client: ConnectPspClient;
  let exchanges: ExchangeEvent[] = [];
  let sequence = 0;
  const reference = (prefix: string) => `${prefix}-${Date.now()}-${(sequence += 1)}`;
  const clients: ConnectPspClient[] = [];

  function clientWith(credentials: Partial<ConnectPspCredentials>, responseTimeoutMs?: number): ConnectPspClient {
    const created = new ConnectPspClient({
      baseUrl: sandbox.url,
      credentials: { ...SANDBOX_CREDENTIALS, ...credentials },
      transport: responseTimeoutMs === undefined ? undefined : { responseTimeoutMs },
      onExchange: (event) => exchanges.push(event),
    });
    clients.push(created);
    return created;
  }

  async function setFaults(config: unknown): Promise<void> {
    const response = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(config),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    sandbox = await createSandbox();
    client = clientWith({});
  });

  beforeEach(() => {
    exchanges = [];
  });

  afterEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sandbox?.close();
  });

  describe('business errors are not retryable and keep the problem body', () => {
    test('an invalid amount is a 400 VALIDATION_ERROR naming the field', async () => {
      const error = await failure(
        client.createCashIn(
          { amount: 1.001, externalReference: reference('bad'), payer },
          { idempotencyKey: crypto.randomUUID() },
        ),
      );
      expect(error).toMatchObject({ kind: ConnectPspErrorKind.Business, code: 'VALIDATION_ERROR', status: 400 });
      expect(error.retryable).toBe(false);
      expect(JSON.stringify(error.problem)).toContain('amount');
    });

    test('an unknown id is a 404 TRANSACTION_NOT_FOUND', async () => {
      const error = await failure(client.getCashIn('does-not-exist'));
      expect(error).toMatchObject({ kind: ConnectPspErrorKind.Business, code: 'TRANSACTION_NOT_FOUND', status: 404 });
      expect(error.problem?.status).toBe(404);
    });

    test('a reused externalReference with a new key is a 409 DUPLICATE_EXTERNAL_REFERENCE', async () => {
      const externalReference = reference('dup');
      await client.createCashOut(
        { amount: 1, externalReference, payee: pixPayee },
        { idempotencyKey: crypto.randomUUID() },
      );
      const error = await failure(
        client.createCashOut(
          { amount: 1, externalReference, payee: pixPayee },
          { idempotencyKey: crypto.randomUUID() },
        ),
      );
      expect(error).toMatchObject({ code: 'DUPLICATE_EXTERNAL_REFERENCE', status: 409, retryable: false });
    });

    test('a cash-out above the balance is a 422 INSUFFICIENT_FUNDS with the detail', async () => {
      const error = await failure(
        client.createCashOut(
          { amount: 900_000_000, externalReference: reference('big'), payee: pixPayee },
          { idempotencyKey: crypto.randomUUID() },
        ),
      );
      expect(error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', status: 422, retryable: false });
      expect(error.problem?.detail).toEqual(expect.stringContaining('R$'));
    });

    test('refunding an unpaid cash-in is a 422 CASH_IN_NOT_PAID', async () => {
      const cashIn = await client.createCashIn(
        { amount: 5, externalReference: reference('unpaid'), payer },
        { idempotencyKey: crypto.randomUUID() },
      );
      const error = await failure(
        client.refundCashIn(cashIn.transactionId, { reason: 'FRAUD' }, { idempotencyKey: crypto.randomUUID() }),
      );
      expect(error).toMatchObject({ code: 'CASH_IN_NOT_PAID', status: 422, kind: ConnectPspErrorKind.Business });
    });

    test('an idempotency key reused with another body is a 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const idempotencyKey = crypto.randomUUID();
      await client.createCashIn({ amount: 5, externalReference: reference('k'), payer }, { idempotencyKey });
      const error = await failure(
        client.createCashIn({ amount: 6, externalReference: reference('k'), payer }, { idempotencyKey }),
      );
      expect(error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', retryable: false });
    });
  });

  describe('configuration errors are not retryable and say what to check', () => {
    test('a wrong client secret is INVALID_CREDENTIALS after a single token request', async () => {
      const error = await failure(clientWith({ clientSecret: 'wrong' }).getBalance());
      expect(error).toMatchObject({ kind: ConnectPspErrorKind.Configuration, code: 'INVALID_CREDENTIALS' });
      expect(error.message).toContain('CONNECTPSP_CLIENT_SECRET');
      expect(error.message).not.toContain('wrong');
      expect(exchanges.map((e) => `${e.operation} ${e.status}`)).toEqual(['POST /auth/token 401']);
    });

    test('a wrong ApplicationToken is INVALID_APPLICATION_TOKEN without a re-authentication loop', async () => {
      const error = await failure(
        clientWith({ applicationToken: '00000000-0000-0000-0000-000000000000' }).getBalance(),
      );
      expect(error).toMatchObject({ kind: ConnectPspErrorKind.Configuration, code: 'INVALID_APPLICATION_TOKEN' });
      expect(error.message).toContain('CONNECTPSP_APPLICATION_TOKEN');
      expect(exchanges.filter((e) => e.operation === 'POST /auth/token')).toHaveLength(1);
    });

    test('a wrong CryptoToken fails signed calls with INVALID_SIGNATURE while unsigned calls work', async () => {
      const misconfigured = clientWith({ cryptoToken: 'not-the-crypto-token' });
      const balance = await misconfigured.getBalance();
      const error = await failure(
        misconfigured.rebalance(
          { targetAmount: balance.consolidated.transactionalBalance },
          { idempotencyKey: crypto.randomUUID() },
        ),
      );
      expect(error).toMatchObject({ kind: ConnectPspErrorKind.Configuration, code: 'INVALID_SIGNATURE', status: 422 });
      expect(error.message).toContain('CONNECTPSP_CRYPTO_TOKEN');
    });
  });

  test('logs of failing and succeeding calls carry no secret and no personal data', async () => {
    const lines: string[] = [];
    const capture = (fields: Record<string, unknown>, message: string) =>
      lines.push(`${message} ${JSON.stringify(fields)}`);
    const cryptoToken = 'crypto-token-that-must-not-leak';
    const logged = new ConnectPspClient({
      baseUrl: sandbox.url,
      credentials: { ...SANDBOX_CREDENTIALS, cryptoToken },
      logger: { debug: capture, warn: capture },
    });
    clients.push(logged);
    const document = '98765432100';
    await logged.createCashIn(
      { amount: 3, externalReference: reference('log'), payer: { name: 'Joana Pereira', document } },
      { idempotencyKey: crypto.randomUUID() },
    );
    // A PIX key that does not match its type: a 400 whose detail is about personal data.
    await failure(
      logged.createCashOut(
        {
          amount: 3,
          externalReference: reference('log'),
          payee: {
            name: 'Joana Pereira',
            document,
            destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: 'joana@example.com' },
          },
        },
        { idempotencyKey: crypto.randomUUID() },
      ),
    );
    await failure(logged.rebalance({ targetAmount: 1 }, { idempotencyKey: crypto.randomUUID() }));
    await fetch(`${sandbox.url}/_sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 3601 }),
    });
    await logged.getBalance();

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(text).toContain('INVALID_SIGNATURE');
    for (const secret of [
      SANDBOX_CREDENTIALS.clientSecret,
      SANDBOX_CREDENTIALS.applicationToken,
      cryptoToken,
      'eyJ',
      'Joana',
      document,
      'joana@example.com',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  describe('transient errors are retryable', () => {
    test('an injected 503 is a retryable error carrying the problem code', async () => {
      await client.getBalance();
      await setFaults({ endpoints: { 'GET /account/balance': { errorRate: 1, errorStatus: 503 } } });
      const error = await failure(client.getBalance());
      expect(error).toMatchObject({ kind: ConnectPspErrorKind.Transient, status: 503, retryable: true });
    });

    test('a response slower than the response timeout is a retryable timeout', async () => {
      const impatient = clientWith({}, 200);
      await impatient.getBalance();
      await setFaults({ endpoints: { 'GET /account/balance': { latencyMs: 1500 } } });
      const error = await failure(impatient.getBalance());
      expect(error).toMatchObject({ code: 'CONNECTPSP_TIMEOUT', retryable: true });
    });

    test('a lost response is a retryable network error, and the retry with the same key gets the same cash-in', async () => {
      const externalReference = reference('lost');
      const idempotencyKey = crypto.randomUUID();
      const request = { amount: 77.7, externalReference, payer };
      await client.getBalance();
      await setFaults({ endpoints: { 'POST /cash-in': { lostResponseRate: 1 } } });
      const error = await failure(client.createCashIn(request, { idempotencyKey }));
      expect(error).toMatchObject({ code: 'CONNECTPSP_NETWORK_ERROR', retryable: true });

      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
      const retried = await client.createCashIn(request, { idempotencyKey });
      const stored = (await (
        await fetch(`${sandbox.url}/_sandbox/transactions?externalReference=${externalReference}`)
      ).json()) as { cashIns: Array<{ transactionId: string }> };
      expect(stored.cashIns.map((c) => c.transactionId)).toEqual([retried.transactionId]);
    });
  });
});

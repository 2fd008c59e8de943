import { loadConfig, SANDBOX_CREDENTIALS } from '../../config/env.js';
import { ConnectPspClient } from '../../connectpsp/client.js';
import type { ExchangeEvent } from '../../connectpsp/logger.js';
import { brlToCentavos, centavosToBrl } from '../../connectpsp/money.js';
import { digitalSignature, verifyWebhookSignature, webhookSignature } from '../../connectpsp/signing.js';
import { createSandbox, type RunningSandbox } from '../../sandbox/app.js';

/** Every ConnectPSP endpoint through the typed client, against the sandbox over real HTTP. */

async function control(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

const payer = { name: 'Maria Silva', document: '12345678909' };

describe('the ConnectPSP client against the sandbox', () => {
  let sandbox: RunningSandbox;
  let client: ConnectPspClient;
  const exchanges: ExchangeEvent[] = [];
  let sequence = 0;
  const reference = (prefix: string) => `${prefix}-${Date.now()}-${(sequence += 1)}`;

  beforeAll(async () => {
    sandbox = await createSandbox();
    client = new ConnectPspClient({
      baseUrl: sandbox.url,
      credentials: { ...SANDBOX_CREDENTIALS },
      onExchange: (event) => exchanges.push(event),
    });
  });

  afterAll(async () => {
    await client?.close();
    await sandbox?.close();
  });

  test('createCashIn returns a QR code charge awaiting payment, with the amount as sent', async () => {
    const externalReference = reference('order');
    const cashIn = await client.createCashIn(
      { amount: 150.5, externalReference, payer, expirationInMinutes: 30 },
      { idempotencyKey: crypto.randomUUID() },
    );
    expect(cashIn).toMatchObject({ externalReference, status: 'AWAITING_PAYMENT', amount: 150.5 });
    expect(cashIn.transactionId).toMatch(/^[a-z0-9]{35}$/);
    expect(cashIn.pixData?.copyAndPaste.startsWith('000201')).toBe(true);
    expect(cashIn.pixData?.qrCodeImageBase64.length).toBeGreaterThan(0);
  });

  test('createCashIn with openFinance returns a paymentUrl instead of a QR code', async () => {
    const cashIn = await client.createCashIn(
      { amount: 10, externalReference: reference('of'), payer, openFinance: { redirectUrl: 'http://127.0.0.1/back' } },
      { idempotencyKey: crypto.randomUUID() },
    );
    expect(cashIn.paymentUrl).toEqual(expect.stringContaining('http'));
    expect(cashIn.pixData ?? null).toBeNull();
  });

  test('the same idempotency key replays the first cash-in instead of creating another', async () => {
    const idempotencyKey = crypto.randomUUID();
    const externalReference = reference('replay');
    const request = { amount: 20, externalReference, payer };
    const first = await client.createCashIn(request, { idempotencyKey });
    const second = await client.createCashIn(request, { idempotencyKey });
    expect(second.transactionId).toBe(first.transactionId);
    const stored = (await control(sandbox, 'GET', `/transactions?externalReference=${externalReference}`)) as {
      cashIns: unknown[];
    };
    expect(stored.cashIns).toHaveLength(1);
  });

  test('getCashIn finds a cash-in by transactionId, internalCode and endToEndId once paid', async () => {
    const created = await client.createCashIn(
      { amount: 42.1, externalReference: reference('get'), payer },
      { idempotencyKey: crypto.randomUUID() },
    );
    const byTxId = await client.getCashIn(created.transactionId);
    const byCode = await client.getCashIn(created.internalCode);
    expect(byTxId.internalCode).toBe(created.internalCode);
    expect(byCode.transactionId).toBe(created.transactionId);

    await control(sandbox, 'POST', `/cash-in/${created.transactionId}/pay`, {});
    const paid = await client.getCashIn(created.internalCode);
    expect(paid.status).toBe('PAID');
    expect(paid.endToEndId).toMatch(/^E/);
    expect(paid.payer.bankData?.ispb).toMatch(/^\d{8}$/);
    const byEndToEnd = await client.getCashIn(paid.endToEndId ?? '');
    expect(byEndToEnd.transactionId).toBe(created.transactionId);
  });

  test('refundCashIn is signed and returns the D… devolution id of a paid cash-in', async () => {
    const created = await client.createCashIn(
      { amount: 99.99, externalReference: reference('refund'), payer },
      { idempotencyKey: crypto.randomUUID() },
    );
    await control(sandbox, 'POST', `/cash-in/${created.transactionId}/pay`, {});
    const refund = await client.refundCashIn(
      created.internalCode,
      { reason: 'CUSTOMER_REQUEST', description: 'test' },
      { idempotencyKey: crypto.randomUUID() },
    );
    expect(refund.endToEndId).toMatch(/^D/);
    expect(refund.transactionId).toBe(created.transactionId);
    const after = await client.getCashIn(created.transactionId);
    expect(after.status).toBe('REFUNDED');
    expect(after.originalEndToEndId).toMatch(/^E/);
  });

  test('createCashOut is signed and accepted as PROCESSING; getCashOut follows it to COMPLETED', async () => {
    const externalReference = reference('payout');
    const created = await client.createCashOut(
      {
        amount: 50,
        externalReference,
        description: 'User withdrawal',
        payee: { ...payer, destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '12345678909' } },
      },
      { idempotencyKey: crypto.randomUUID() },
    );
    expect(created).toMatchObject({ externalReference, status: 'PROCESSING', amount: 50 });
    expect(created.endToEndId ?? null).toBeNull();

    await control(sandbox, 'POST', `/cash-out/${created.transactionId}/complete`);
    for (const id of [created.transactionId, created.internalCode]) {
      const completed = await client.getCashOut(id);
      expect(completed.status).toBe('COMPLETED');
      expect(completed.endToEndId).toMatch(/^E/);
    }
  });

  test('createCashOut to a bank account is accepted', async () => {
    const created = await client.createCashOut(
      {
        amount: 12.34,
        externalReference: reference('bank'),
        payee: {
          ...payer,
          destination: {
            type: 'BANK_ACCOUNT',
            bankAccount: { ispb: '18236120', branch: '0001', account: '947710840', accountType: 'PAYMENT' },
          },
        },
      },
      { idempotencyKey: crypto.randomUUID() },
    );
    expect(created.payee.destination.type).toBe('BANK_ACCOUNT');
  });

  test('getBalance returns consolidated and per-bank balances that add up', async () => {
    const balance = await client.getBalance();
    expect(balance.currency).toBe('BRL');
    const { totalBalance, transactionalBalance, proprietaryBalance } = balance.consolidated;
    expect(brlToCentavos(totalBalance)).toBe(brlToCentavos(transactionalBalance) + brlToCentavos(proprietaryBalance));
    expect(balance.banks.length).toBeGreaterThan(0);
  });

  test('rebalance is signed and moves the transactional balance to the target', async () => {
    const before = await client.getBalance();
    const target = centavosToBrl(brlToCentavos(before.consolidated.transactionalBalance) + 10_000);
    const result = await client.rebalance({ targetAmount: target }, { idempotencyKey: crypto.randomUUID() });
    expect(result.success).toBe(true);
    const after = await client.getBalance();
    expect(after.consolidated.transactionalBalance).toBe(target);
    expect(after.consolidated.totalBalance).toBe(before.consolidated.totalBalance);
  });

  test('a client built from the environment configuration reaches the configured ConnectPSP', async () => {
    const configured = ConnectPspClient.fromConfig(loadConfig({ CONNECTPSP_BASE_URL: sandbox.url }));
    try {
      expect((await configured.getBalance()).currency).toBe('BRL');
    } finally {
      await configured.close();
    }
  });

  test('the client logs each exchange by route template and status, never by id or body', () => {
    const operations = new Set(exchanges.map((event) => event.operation));
    expect(operations).toEqual(
      new Set([
        'POST /auth/token',
        'POST /cash-in',
        'GET /cash-in/{id}',
        'POST /cash-in/{id}/refund',
        'POST /cash-out',
        'GET /cash-out/{id}',
        'GET /account/balance',
        'POST /account/rebalance',
      ]),
    );
    expect(exchanges.every((event) => typeof event.status === 'number' && event.durationMs >= 0)).toBe(true);
  });
});

describe('the contract’s signature test vectors', () => {
  const cryptoToken = 'test-crypto-token-123';

  test('DigitalSignature of the contract JWT is the documented value', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl';
    expect(digitalSignature(jwt, cryptoToken)).toBe('d2a41c87d996da7fe42294bc1ec14694eb8558c0d5ccc1a47a3c9781941e9d78');
  });

  test('the webhook signature vector verifies, and a tampered body does not', () => {
    const raw =
      '{"eventType":"CASHIN_PAID","eventAt":"2026-03-10T14:22:18Z","data":{"internalCode":"US7B1JQ","status":"PAID"}}';
    const header = 'eeeffdeadda7f862dca819d6238e0971eeb5f4e2bc3ca2887c28d2c882ddd3f4';
    expect(webhookSignature(raw, cryptoToken)).toBe(header);
    expect(verifyWebhookSignature(Buffer.from(raw), header, cryptoToken)).toBe(true);
    expect(verifyWebhookSignature(raw.replace('PAID"}}', 'PAID" }}'), header, cryptoToken)).toBe(false);
  });

  test('a sandbox configured with the vector’s CryptoToken accepts the client’s signed calls', async () => {
    const credentials = { ...SANDBOX_CREDENTIALS, cryptoToken };
    const sandbox = await createSandbox({ applications: [credentials] });
    const client = new ConnectPspClient({ baseUrl: sandbox.url, credentials });
    try {
      const balance = await client.getBalance();
      const result = await client.rebalance(
        { targetAmount: balance.consolidated.transactionalBalance },
        { idempotencyKey: crypto.randomUUID() },
      );
      expect(result.success).toBe(true);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });
});

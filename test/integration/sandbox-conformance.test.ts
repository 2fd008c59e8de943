import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import {
  AuthTokenResponseSchema,
  BalanceResponseSchema,
  CashInSchema,
  CashOutSchema,
  CreateCashInResponseSchema,
  END_TO_END_ID_PATTERN,
  ProblemSchema,
  RebalanceResponseSchema,
  RefundCashInResponseSchema,
} from '../../connectpsp/schemas/index.js';
import { digitalSignature } from '../../connectpsp/signing.js';
import type { RunningSandbox } from '../../sandbox/app.js';
import { cashInBody, pixCashOutBody, reference, SandboxClient, startSandbox } from '../support/sandbox-harness.js';
import type { HttpResult } from '../support/sandbox-harness.js';

// Every [D] fact of ../shared/connectpsp-contract.md, checked over real HTTP against an in-process sandbox.

const OTHER_APP = {
  clientId: '900800700',
  clientSecret: '0f7c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5',
  applicationToken: '3f2b8c1e-9d4a-4e6f-a7b8-c9d0e1f2a3b4',
  cryptoToken: 'other-crypto-token',
};
const MAIN_APP = {
  clientId: '100200300',
  clientSecret: '6d5c0b4e-6f0a-4a49-9a4e-7f3f1b1c2d3e',
  applicationToken: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  cryptoToken: 'sandbox-crypto-token-change-me',
  transactionalBalanceCentavos: 100_000_00,
  proprietaryBalanceCentavos: 1_000_000_00,
};

const BRASILIA = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$/;
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let sandbox: RunningSandbox;
let client: SandboxClient;
let other: SandboxClient;

beforeAll(async () => {
  ({ sandbox, client } = await startSandbox({ applications: [MAIN_APP, OTHER_APP] }));
  other = new SandboxClient(sandbox.url, OTHER_APP);
});
afterAll(() => sandbox.close());

function expectProblem(result: HttpResult, status: number, code: string): void {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = ProblemSchema.parse(result.json);
  expect(problem).toMatchObject({
    status,
    code,
    type: `https://connect-psp.redocly.app/errors/${code.toLowerCase().replaceAll('_', '-')}`,
  });
  expect(problem.title.length).toBeGreaterThan(0);
  expect(problem.detail?.length).toBeGreaterThan(0);
}

async function createCashIn(overrides: Record<string, unknown> = {}) {
  const result = await client.call('POST', '/cash-in', { body: cashInBody(overrides), idempotencyKey: randomUUID() });
  expect(result.status).toBe(201);
  return CreateCashInResponseSchema.parse(result.json);
}

async function paidCashIn(bankData?: Record<string, string>) {
  const created = await createCashIn();
  const paid = await client.control(
    'POST',
    `/cash-in/${created.transactionId}/pay`,
    bankData ? { bankData } : undefined,
  );
  expect(paid.status).toBe(200);
  return CashInSchema.parse(paid.json);
}

async function balance() {
  return BalanceResponseSchema.parse((await client.call('GET', '/account/balance')).json).consolidated;
}

describe('POST /auth/token', () => {
  test('valid credentials get an HS256 JWT of type Bearer that lasts 3600 seconds, issued at a UTC time', async () => {
    const result = await client.call('POST', '/auth/token', {
      auth: 'none',
      body: { clientId: MAIN_APP.clientId, clientSecret: MAIN_APP.clientSecret },
    });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    const token = AuthTokenResponseSchema.parse(result.json);
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    expect(token.issuedAt).toMatch(UTC);
    expect(decodeProtectedHeader(token.accessToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  test('a wrong clientSecret or unknown clientId is a 401 INVALID_CREDENTIALS problem', async () => {
    const wrongSecret = { clientId: MAIN_APP.clientId, clientSecret: OTHER_APP.clientSecret };
    expectProblem(
      await client.call('POST', '/auth/token', { auth: 'none', body: wrongSecret }),
      401,
      'INVALID_CREDENTIALS',
    );
    const unknown = { clientId: '1', clientSecret: MAIN_APP.clientSecret };
    expectProblem(
      await client.call('POST', '/auth/token', { auth: 'none', body: unknown }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  test('a body without clientSecret is a 400 VALIDATION_ERROR that names the field', async () => {
    const result = await client.call('POST', '/auth/token', { auth: 'none', body: { clientId: MAIN_APP.clientId } });
    expectProblem(result, 400, 'VALIDATION_ERROR');
    expect(result.json.detail).toContain('clientSecret');
    expect(result.json.invalidParams).toEqual([expect.objectContaining({ name: 'clientSecret' })]);
  });

  test('several tokens of one client are valid at the same time', async () => {
    const first = await client.freshToken();
    const second = await client.freshToken();
    expect(first).not.toBe(second);
    for (const jwt of [first, second]) {
      const result = await client.call('GET', '/account/balance', { headers: { Authorization: `Bearer ${jwt}` } });
      expect(result.status).toBe(200);
    }
  });
});

describe('authentication of the other endpoints', () => {
  test('a missing or forged bearer token is a 401 problem on every endpoint', async () => {
    const noToken = await client.call('GET', '/account/balance', {
      auth: 'none',
      headers: { ApplicationToken: MAIN_APP.applicationToken },
    });
    expectProblem(noToken, 401, 'INVALID_TOKEN');
    const forged = await client.call('POST', '/cash-in', {
      body: cashInBody(),
      headers: { Authorization: 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl' },
    });
    expectProblem(forged, 401, 'INVALID_TOKEN');
  });

  test('a missing, unknown or foreign ApplicationToken is a 401 INVALID_APPLICATION_TOKEN', async () => {
    const jwt = await client.accessToken();
    const missing = await client.call('GET', '/account/balance', {
      auth: 'none',
      headers: { Authorization: `Bearer ${jwt}` },
    });
    expectProblem(missing, 401, 'INVALID_APPLICATION_TOKEN');
    const unknown = await client.call('GET', '/account/balance', { headers: { ApplicationToken: randomUUID() } });
    expectProblem(unknown, 401, 'INVALID_APPLICATION_TOKEN');
    const foreign = await client.call('GET', '/account/balance', {
      headers: { ApplicationToken: OTHER_APP.applicationToken },
    });
    expectProblem(foreign, 401, 'INVALID_APPLICATION_TOKEN');
  });

  test('GET /cash-out/{id} also requires the ApplicationToken', async () => {
    const jwt = await client.accessToken();
    const result = await client.call('GET', '/cash-out/IVKPRMOCDY', {
      auth: 'none',
      headers: { Authorization: `Bearer ${jwt}` },
    });
    expectProblem(result, 401, 'INVALID_APPLICATION_TOKEN');
  });

  test('cash-out, rebalance and refund without a DigitalSignature are 422 INVALID_SIGNATURE', async () => {
    expectProblem(await client.call('POST', '/cash-out', { body: pixCashOutBody() }), 422, 'INVALID_SIGNATURE');
    expectProblem(
      await client.call('POST', '/account/rebalance', { body: { targetAmount: 100 } }),
      422,
      'INVALID_SIGNATURE',
    );
    const paid = await paidCashIn();
    const refund = await client.call('POST', `/cash-in/${paid.transactionId}/refund`, { body: { reason: 'FRAUD' } });
    expectProblem(refund, 422, 'INVALID_SIGNATURE');
  });

  test('a DigitalSignature in upper case, of another JWT, or keyed by another CryptoToken is rejected', async () => {
    const jwt = await client.accessToken();
    const otherJwt = await new SandboxClient(sandbox.url, MAIN_APP).freshToken();
    for (const signature of [
      digitalSignature(jwt, MAIN_APP.cryptoToken).toUpperCase(),
      digitalSignature(otherJwt, MAIN_APP.cryptoToken),
      digitalSignature(jwt, OTHER_APP.cryptoToken),
    ]) {
      const result = await client.call('POST', '/account/rebalance', {
        auth: 'signed',
        headers: { DigitalSignature: signature },
        body: { targetAmount: 100_000 },
      });
      expectProblem(result, 422, 'INVALID_SIGNATURE');
    }
  });

  test('the lowercase hex HMAC-SHA256 of the JWT keyed by the CryptoToken is accepted', async () => {
    const jwt = await client.accessToken();
    const result = await client.call('POST', '/account/rebalance', {
      auth: 'bearer',
      headers: { DigitalSignature: digitalSignature(jwt, MAIN_APP.cryptoToken) },
      body: { targetAmount: (await balance()).transactionalBalance },
    });
    expect(result.status).toBe(200);
  });

  test('cash-in creation and reads need no DigitalSignature', async () => {
    const created = await createCashIn();
    expect((await client.call('GET', `/cash-in/${created.transactionId}`)).status).toBe(200);
  });
});

describe('POST /cash-in', () => {
  test('a QR cash-in answers 201 with a 35-character TxId, a short code, the exact amount and a BR Code', async () => {
    const externalReference = reference();
    const result = await client.call('POST', '/cash-in', { body: cashInBody({ externalReference, amount: 150.5 }) });
    expect(result.status).toBe(201);
    expect(result.text).toContain('"amount":150.5');
    const cashIn = CreateCashInResponseSchema.parse(result.json);
    expect(cashIn.transactionId).toMatch(/^[a-z0-9]{35}$/);
    expect(cashIn.internalCode).toMatch(/^[A-Z0-9]{7}$/);
    expect(cashIn).toMatchObject({
      externalReference,
      status: 'AWAITING_PAYMENT',
      amount: 150.5,
      payer: { name: 'Test User', document: '12345678909' },
    });
    expect(cashIn.requestedAt).toMatch(BRASILIA);
    expect(cashIn.pixData?.copyAndPaste).toMatch(/^000201/);
    expect(
      Buffer.from(cashIn.pixData?.qrCodeImageBase64 ?? '', 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(cashIn.pixData?.qrCodeImageBase64.startsWith('data:')).toBe(false);
  });

  test('an OpenFinance cash-in answers a paymentUrl instead of a QR code, and visiting it pays', async () => {
    const cashIn = await createCashIn({ openFinance: { redirectUrl: 'https://merchant.example/return' } });
    expect(cashIn.pixData).toBeUndefined();
    expect(cashIn.paymentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const visit = await fetch(cashIn.paymentUrl ?? '', { redirect: 'manual' });
    expect(visit.status).toBe(302);
    expect(visit.headers.get('location')).toBe('https://merchant.example/return');
    const after = CashInSchema.parse((await client.call('GET', `/cash-in/${cashIn.transactionId}`)).json);
    expect(after.status).toBe('PAID');
  });

  test('invalid fields are a 400 VALIDATION_ERROR naming each of them', async () => {
    const result = await client.call('POST', '/cash-in', {
      body: { amount: 10.001, externalReference: reference(), payer: { name: 'Test User', document: '123' } },
    });
    expectProblem(result, 400, 'VALIDATION_ERROR');
    expect(result.json.detail).toContain('amount');
    expect(result.json.detail).toContain('payer.document');
    for (const amount of [0, -5, '10.00']) {
      expectProblem(await client.call('POST', '/cash-in', { body: cashInBody({ amount }) }), 400, 'VALIDATION_ERROR');
    }
  });

  test('a malformed or oversized JSON body is a 400 VALIDATION_ERROR', async () => {
    expectProblem(await client.call('POST', '/cash-in', { rawBody: '{"amount": 10,' }), 400, 'VALIDATION_ERROR');
    const huge = cashInBody({ payer: { name: 'x'.repeat(100_000), document: '12345678909' } });
    expectProblem(await client.call('POST', '/cash-in', { body: huge }), 400, 'VALIDATION_ERROR');
  });

  test('a reused externalReference with a new idempotency key is a 409 DUPLICATE_EXTERNAL_REFERENCE', async () => {
    const body = cashInBody();
    expect((await client.call('POST', '/cash-in', { body, idempotencyKey: randomUUID() })).status).toBe(201);
    const again = await client.call('POST', '/cash-in', { body, idempotencyKey: randomUUID() });
    expectProblem(again, 409, 'DUPLICATE_EXTERNAL_REFERENCE');
  });

  test('by default the QR code is valid for 1440 minutes', async () => {
    const { sandbox: own, client: ownClient } = await startSandbox();
    try {
      const created = await ownClient.call('POST', '/cash-in', { body: cashInBody() });
      const id = String(created.json.transactionId);
      await ownClient.control('POST', '/clock/advance', { seconds: 1439 * 60 });
      await ownClient.freshToken();
      expect((await ownClient.call('GET', `/cash-in/${id}`)).json.status).toBe('AWAITING_PAYMENT');
      await ownClient.control('POST', '/clock/advance', { seconds: 60 });
      const expired = CashInSchema.parse((await ownClient.call('GET', `/cash-in/${id}`)).json);
      expect(expired.status).toBe('EXPIRED');
      expect(expired.expiredAt).toMatch(BRASILIA);
      expect(expired.pixData).toBeNull();
    } finally {
      await own.close();
    }
  });
});

describe('GET /cash-in/{id}', () => {
  test('a cash-in is found by TxId, internal code and end-to-end id, with unset fields null', async () => {
    const created = await createCashIn();
    const unpaid = CashInSchema.parse((await client.call('GET', `/cash-in/${created.internalCode}`)).json);
    expect(unpaid).toMatchObject({
      endToEndId: null,
      originalEndToEndId: null,
      paidAt: null,
      refundedAt: null,
      expiredAt: null,
    });
    expect(unpaid.payer.bankData).toBeNull();
    expect(unpaid.pixData).toEqual(created.pixData);

    await client.control('POST', `/cash-in/${created.transactionId}/pay`);
    const byTxId = CashInSchema.parse((await client.call('GET', `/cash-in/${created.transactionId}`)).json);
    const byE2E = CashInSchema.parse((await client.call('GET', `/cash-in/${byTxId.endToEndId ?? ''}`)).json);
    expect(byE2E).toEqual(byTxId);
    expect(byTxId.pixData).toBeNull();
  });

  test('an unknown id, or one of another application, is a 404', async () => {
    expectProblem(await client.call('GET', '/cash-in/US7B1JQ'), 404, 'TRANSACTION_NOT_FOUND');
    const created = await createCashIn();
    expectProblem(await other.call('GET', `/cash-in/${created.transactionId}`), 404, 'TRANSACTION_NOT_FOUND');
  });

  test('paying sets PAID, an E… end-to-end id in the BACEN layout, paidAt and the payer bank data', async () => {
    const bankData = { ispb: '60746948', bank: 'Banco Bradesco S.A.', branch: '1234', account: '998877' };
    const paid = await paidCashIn(bankData);
    expect(paid.status).toBe('PAID');
    expect(paid.endToEndId).toMatch(END_TO_END_ID_PATTERN);
    expect(paid.endToEndId).toMatch(/^E60746948\d{12}[A-Za-z0-9]{11}$/);
    expect(paid.paidAt).toMatch(BRASILIA);
    expect(paid.payer.bankData).toEqual(bankData);
  });
});

describe('POST /cash-in/{id}/refund', () => {
  test('a paid cash-in is refunded in full with 202, a D… end-to-end id and the original E… id', async () => {
    const paid = await paidCashIn();
    const before = await balance();
    const result = await client.call('POST', `/cash-in/${paid.internalCode}/refund`, {
      auth: 'signed',
      body: { reason: 'CUSTOMER_REQUEST', description: 'audit note' },
      idempotencyKey: randomUUID(),
    });
    expect(result.status).toBe(202);
    const refund = RefundCashInResponseSchema.parse(result.json);
    expect(refund.endToEndId).toMatch(/^D\d{8}\d{12}[A-Za-z0-9]{11}$/);
    expect(refund).toMatchObject({ status: 'REFUNDED', originalEndToEndId: paid.endToEndId, amount: paid.amount });
    expect(refund.refundedAt).toMatch(BRASILIA);
    expect((await balance()).transactionalBalance).toBeCloseTo(before.transactionalBalance - paid.amount, 2);
    for (const id of [refund.endToEndId, paid.endToEndId ?? '']) {
      expect((await client.call('GET', `/cash-in/${id}`)).json.transactionId).toBe(paid.transactionId);
    }
  });

  test('refusals are 422 with the documented code for each state', async () => {
    const refund = (id: string) =>
      client.call('POST', `/cash-in/${id}/refund`, { auth: 'signed', body: { reason: 'FRAUD' } });
    const unpaid = await createCashIn();
    expectProblem(await refund(unpaid.transactionId), 422, 'CASH_IN_NOT_PAID');

    const paid = await paidCashIn();
    expect((await refund(paid.transactionId)).status).toBe(202);
    expectProblem(await refund(paid.transactionId), 422, 'CASH_IN_ALREADY_REFUNDED');

    const expired = await createCashIn();
    await client.control('POST', `/cash-in/${expired.transactionId}/expire`);
    expectProblem(await refund(expired.transactionId), 422, 'CASH_IN_EXPIRED');

    const cancelled = await createCashIn();
    await client.control('POST', `/cash-in/${cancelled.transactionId}/cancel`);
    expectProblem(await refund(cancelled.transactionId), 422, 'CASH_IN_CANCELLED');

    const withoutProof = await createCashIn();
    await client.control('POST', `/cash-in/${withoutProof.transactionId}/pay`, { withholdEndToEndId: true });
    expectProblem(await refund(withoutProof.transactionId), 422, 'MISSING_END_TO_END_ID');
    await client.control('POST', `/cash-in/${withoutProof.transactionId}/pay`);
    expect((await refund(withoutProof.transactionId)).status).toBe(202);
  });

  test('a reason outside the enum is a 400 naming reason, and an unknown id is a 404', async () => {
    const paid = await paidCashIn();
    const bad = await client.call('POST', `/cash-in/${paid.transactionId}/refund`, {
      auth: 'signed',
      body: { reason: 'BORED' },
    });
    expectProblem(bad, 400, 'VALIDATION_ERROR');
    expect(bad.json.detail).toContain('reason');
    const missing = await client.call('POST', '/cash-in/US7B1JQ/refund', { auth: 'signed', body: { reason: 'FRAUD' } });
    expectProblem(missing, 404, 'TRANSACTION_NOT_FOUND');
  });
});

describe('idempotency', () => {
  test('the same key and body replays the first status and exact bytes and creates nothing new', async () => {
    const body = cashInBody();
    const key = randomUUID();
    const first = await client.call('POST', '/cash-in', { body, idempotencyKey: key });
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()));
    const second = await client.call('POST', '/cash-in', { rawBody: reordered, idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    const stored = await client.control('GET', `/transactions?externalReference=${String(body.externalReference)}`);
    expect(stored.json.cashIns).toHaveLength(1);
  });

  test('the same key with a different body is a 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    const body = cashInBody();
    expect((await client.call('POST', '/cash-in', { body, idempotencyKey: key })).status).toBe(201);
    const changed = await client.call('POST', '/cash-in', { body: { ...body, amount: 99 }, idempotencyKey: key });
    expectProblem(changed, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  test('keys are scoped per endpoint and per application', async () => {
    const key = randomUUID();
    expect((await client.call('POST', '/cash-in', { body: cashInBody(), idempotencyKey: key })).status).toBe(201);
    const cashOut = await client.call('POST', '/cash-out', {
      auth: 'signed',
      body: pixCashOutBody(),
      idempotencyKey: key,
    });
    expect(cashOut.status).toBe(202);
    const otherApp = await other.call('POST', '/cash-in', { body: cashInBody(), idempotencyKey: key });
    expect(otherApp.status).toBe(201);
  });

  test('a business refusal is replayed too, and the cash-out endpoint replays its 202', async () => {
    const key = randomUUID();
    const body = pixCashOutBody();
    const first = await client.call('POST', '/cash-out', { auth: 'signed', body, idempotencyKey: key });
    const second = await client.call('POST', '/cash-out', { auth: 'signed', body, idempotencyKey: key });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.text).toBe(first.text);
    const refusedKey = randomUUID();
    const tooMuch = pixCashOutBody({ amount: 99_999_999 });
    const refused = await client.call('POST', '/cash-out', {
      auth: 'signed',
      body: tooMuch,
      idempotencyKey: refusedKey,
    });
    const replayed = await client.call('POST', '/cash-out', {
      auth: 'signed',
      body: tooMuch,
      idempotencyKey: refusedKey,
    });
    expectProblem(refused, 422, 'INSUFFICIENT_FUNDS');
    expect(replayed.text).toBe(refused.text);
  });

  test('a key is forgotten after 24 hours, after which the externalReference guard answers 409', async () => {
    const { sandbox: own, client: ownClient } = await startSandbox();
    try {
      const body = cashInBody();
      const key = randomUUID();
      expect((await ownClient.call('POST', '/cash-in', { body, idempotencyKey: key })).status).toBe(201);
      await ownClient.control('POST', '/clock/advance', { seconds: 23 * 3600 });
      await ownClient.freshToken();
      expect((await ownClient.call('POST', '/cash-in', { body, idempotencyKey: key })).status).toBe(201);
      await ownClient.control('POST', '/clock/advance', { seconds: 3600 });
      await ownClient.freshToken();
      expectProblem(
        await ownClient.call('POST', '/cash-in', { body, idempotencyKey: key }),
        409,
        'DUPLICATE_EXTERNAL_REFERENCE',
      );
    } finally {
      await own.close();
    }
  });
});

describe('tokens and the sandbox clock', () => {
  test('a token works until 3600 seconds have passed on the sandbox clock, then is 401 TOKEN_EXPIRED', async () => {
    const { sandbox: own, client: ownClient } = await startSandbox();
    try {
      await ownClient.freshToken();
      await ownClient.control('POST', '/clock/advance', { seconds: 3598 });
      expect((await ownClient.call('GET', '/account/balance')).status).toBe(200);
      const advanced = await ownClient.control('POST', '/clock/advance', { seconds: 2 });
      expect(advanced.json.now).toMatch(UTC);
      expectProblem(await ownClient.call('GET', '/account/balance'), 401, 'TOKEN_EXPIRED');
      await ownClient.freshToken();
      expect((await ownClient.call('GET', '/account/balance')).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('POST /cash-out and GET /cash-out/{id}', () => {
  test('a PIX-key cash-out is accepted with 202 PROCESSING, a UUID, a 10-letter code and no end-to-end id yet', async () => {
    const before = await balance();
    const body = pixCashOutBody({ amount: 50 });
    const result = await client.call('POST', '/cash-out', { auth: 'signed', body, idempotencyKey: randomUUID() });
    expect(result.status).toBe(202);
    const cashOut = CashOutSchema.parse(result.json);
    expect(cashOut.transactionId).toMatch(UUID);
    expect(cashOut.internalCode).toMatch(/^[A-Z]{10}$/);
    expect(cashOut).toMatchObject({ status: 'PROCESSING', endToEndId: null, amount: 50, payee: body.payee });
    expect(cashOut.requestedAt).toMatch(BRASILIA);
    expect(cashOut.failure).toBeUndefined();
    expect((await balance()).transactionalBalance).toBe(before.transactionalBalance - 50);
  });

  test('completion sets an E… id findable by every id, and a return sets D… and gives the money back', async () => {
    const created = CashOutSchema.parse(
      (await client.call('POST', '/cash-out', { auth: 'signed', body: pixCashOutBody() })).json,
    );
    const afterDebit = await balance();
    const completed = CashOutSchema.parse(
      (await client.control('POST', `/cash-out/${created.internalCode}/complete`)).json,
    );
    expect(completed.status).toBe('COMPLETED');
    expect(completed.endToEndId).toMatch(/^E13935893\d{12}[A-Za-z0-9]{11}$/);
    expect(completed.completedAt).toMatch(BRASILIA);
    for (const id of [created.transactionId, created.internalCode, completed.endToEndId ?? '']) {
      expect(CashOutSchema.parse((await client.call('GET', `/cash-out/${id}`)).json)).toEqual(completed);
    }
    const returned = CashOutSchema.parse(
      (await client.control('POST', `/cash-out/${created.transactionId}/refund`)).json,
    );
    expect(returned).toMatchObject({ status: 'REFUNDED', originalEndToEndId: completed.endToEndId });
    expect(returned.endToEndId).toMatch(/^D\d{8}\d{12}[A-Za-z0-9]{11}$/);
    expect((await balance()).transactionalBalance).toBe(afterDebit.transactionalBalance + created.amount);
  });

  test('a bank-account cash-out can fail with a failure code, a null end-to-end id and the money back', async () => {
    const before = await balance();
    const body = pixCashOutBody({
      payee: {
        name: 'Maria Silva',
        document: '12345678909',
        destination: {
          type: 'BANK_ACCOUNT',
          bankAccount: { ispb: '18236120', branch: '0001', account: '947710840', accountType: 'PAYMENT' },
        },
      },
    });
    const created = await client.call('POST', '/cash-out', { auth: 'signed', body });
    expect(created.status).toBe(202);
    const failed = await client.control('POST', `/cash-out/${String(created.json.transactionId)}/fail`, {
      code: 'PIX_KEY_NOT_FOUND',
      message: 'The provided PIX key did not resolve to a valid account.',
    });
    const cashOut = CashOutSchema.parse(failed.json);
    expect(cashOut).toMatchObject({ status: 'FAILED', endToEndId: null, failure: { code: 'PIX_KEY_NOT_FOUND' } });
    expect((await balance()).transactionalBalance).toBe(before.transactionalBalance);
  });

  test('an amount above the transactional balance is a 422 INSUFFICIENT_FUNDS with both amounts in the detail', async () => {
    const available = (await balance()).transactionalBalance;
    const result = await client.call('POST', '/cash-out', {
      auth: 'signed',
      body: pixCashOutBody({ amount: available + 0.01 }),
    });
    expectProblem(result, 422, 'INSUFFICIENT_FUNDS');
    expect(result.json.detail).toMatch(
      /^The requested amount of R\$ \d+\.\d{2} exceeds available balance of R\$ \d+\.\d{2}\.$/,
    );
  });

  test('a duplicate externalReference is a 409, and a PIX key not matching its type is a 400 naming it', async () => {
    const body = pixCashOutBody();
    expect((await client.call('POST', '/cash-out', { auth: 'signed', body })).status).toBe(202);
    expectProblem(
      await client.call('POST', '/cash-out', { auth: 'signed', body }),
      409,
      'DUPLICATE_EXTERNAL_REFERENCE',
    );
    const badKey = pixCashOutBody({
      payee: {
        name: 'Maria',
        document: '12345678909',
        destination: { type: 'PIX', pixKeyType: 'PHONE', pixKey: '123' },
      },
    });
    const result = await client.call('POST', '/cash-out', { auth: 'signed', body: badKey });
    expectProblem(result, 400, 'VALIDATION_ERROR');
    expect(result.json.detail).toContain('payee.destination.pixKey');
  });

  test('an unknown cash-out id is a 404', async () => {
    expectProblem(
      await client.call('GET', '/cash-out/dd30446e-6cc5-4664-bf3f-6b7f5e55a1a9'),
      404,
      'TRANSACTION_NOT_FOUND',
    );
  });
});

describe('GET /account/balance and POST /account/rebalance', () => {
  test('the balance is a BRL snapshot whose total is transactional plus proprietary, per partner bank', async () => {
    const result = await client.call('GET', '/account/balance?date=2026-03-10');
    expect(result.status).toBe(200);
    const snapshot = BalanceResponseSchema.parse(result.json);
    expect(snapshot.currency).toBe('BRL');
    expect(snapshot.referenceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(snapshot.updatedAt).toMatch(UTC);
    const { totalBalance, transactionalBalance, proprietaryBalance } = snapshot.consolidated;
    expect(Math.round(totalBalance * 100)).toBe(
      Math.round(transactionalBalance * 100) + Math.round(proprietaryBalance * 100),
    );
    const bank = snapshot.banks[0];
    expect(bank).toMatchObject({ ispb: '13935893', bank: 'CELCOIN IP S.A.' });
    expect(bank?.accounts.transactional.balance).toBe(transactionalBalance);
    expect(bank?.accounts.proprietary.balance).toBe(proprietaryBalance);
  });

  test('a paid cash-in credits the transactional balance by its exact amount', async () => {
    const before = await balance();
    const created = await createCashIn({ amount: 0.29 });
    await client.control('POST', `/cash-in/${created.transactionId}/pay`);
    const after = await balance();
    expect(Math.round(after.transactionalBalance * 100) - Math.round(before.transactionalBalance * 100)).toBe(29);
  });

  test('rebalance tops up from and sweeps to the proprietary account, and an equal target changes nothing', async () => {
    const rebalance = (targetAmount: number) =>
      client.call('POST', '/account/rebalance', { auth: 'signed', body: { targetAmount } });
    const start = await balance();
    const up = await rebalance(start.transactionalBalance + 1000.25);
    expect(up.status).toBe(200);
    expect(RebalanceResponseSchema.parse(up.json)).toEqual({
      success: true,
      message: 'Rebalancing completed successfully.',
    });
    const afterUp = await balance();
    expect(afterUp.transactionalBalance).toBe(start.transactionalBalance + 1000.25);
    expect(afterUp.totalBalance).toBe(start.totalBalance);
    expect((await rebalance(start.transactionalBalance)).status).toBe(200);
    expect(await balance()).toEqual(start);
    expect((await rebalance(start.transactionalBalance)).status).toBe(200);
    expect(await balance()).toEqual(start);
  });

  test('a top-up larger than the proprietary account is a 422 INSUFFICIENT_FUNDS', async () => {
    const { totalBalance } = await balance();
    const result = await client.call('POST', '/account/rebalance', {
      auth: 'signed',
      body: { targetAmount: totalBalance + 1 },
    });
    expectProblem(result, 422, 'INSUFFICIENT_FUNDS');
  });

  test('a negative or over-precise target is a 400 naming targetAmount', async () => {
    for (const targetAmount of [-1, 1.234]) {
      const result = await client.call('POST', '/account/rebalance', { auth: 'signed', body: { targetAmount } });
      expectProblem(result, 400, 'VALIDATION_ERROR');
      expect(result.json.detail).toContain('targetAmount');
    }
  });
});

describe('sandbox controls', () => {
  test('transactions are listed by externalReference, and an unknown route is a problem+json 404', async () => {
    const created = await createCashIn();
    const listed = await client.control('GET', `/transactions?externalReference=${created.externalReference}`);
    expect(listed.json).toEqual({
      cashIns: [expect.objectContaining({ transactionId: created.transactionId })],
      cashOuts: [],
    });
    expectProblem(await client.call('GET', '/v2/cash-in'), 404, 'NOT_FOUND');
  });

  test('paying twice, or completing a failed cash-out, is refused with 409', async () => {
    const paid = await paidCashIn();
    expect((await client.control('POST', `/cash-in/${paid.transactionId}/pay`)).status).toBe(409);
    const created = await client.call('POST', '/cash-out', { auth: 'signed', body: pixCashOutBody() });
    const id = String(created.json.transactionId);
    expect((await client.control('POST', `/cash-out/${id}/fail`)).json.failure).toMatchObject({
      code: 'PIX_KEY_NOT_FOUND',
    });
    expect((await client.control('POST', `/cash-out/${id}/complete`)).status).toBe(409);
  });

  test('auto-pay pays each new cash-in after the configured delay', async () => {
    const { sandbox: own, client: ownClient } = await startSandbox({ autoPayMs: 50 });
    try {
      const created = await ownClient.call('POST', '/cash-in', { body: cashInBody() });
      expect(created.json.status).toBe('AWAITING_PAYMENT');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await ownClient.call('GET', `/cash-in/${String(created.json.transactionId)}`);
      expect(after.json.status).toBe('PAID');
    } finally {
      await own.close();
    }
  });
});

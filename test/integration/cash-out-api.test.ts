import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { cashOutWorkflowId } from '../../workflows/cash-out/messages.js';
import { recordHistory } from '../support/histories.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let counter = 0;

beforeAll(async () => {
  // A fast first poll keeps the lost-webhook test short; the large maximum lets a payout exceed the balance.
  stack = await startStack({ CASH_OUT_FIRST_POLL_SECONDS: '1', CASH_OUT_MAX_AMOUNT: '1000000' });
});
afterAll(async () => {
  await stack?.stop();
});

const reference = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}`;
const payeeName = 'Maria Silva';
const payeeDocument = '52998224725';
const pixTo = (pixKeyType: string, pixKey: string) => ({
  name: payeeName,
  document: payeeDocument,
  destination: { type: 'PIX', pixKeyType, pixKey },
});
const bankAccount = { ispb: '18236120', branch: '0001', account: '947710840', accountType: 'PAYMENT' };

async function createCashOut(overrides: Record<string, unknown> = {}) {
  const body = {
    externalReference: reference('withdrawal'),
    amount: '50.00',
    description: 'User withdrawal',
    payee: pixTo('CPF', payeeDocument),
    ...overrides,
  };
  const res = await stack.api('POST', '/v1/cash-outs', body);
  return { body, res };
}

async function drive(transactionId: string, action: 'complete' | 'fail' | 'refund', body?: unknown) {
  const res = await stack.sandbox('POST', `/_sandbox/cash-out/${transactionId}/${action}`, body);
  expect(res.status).toBe(200);
  return res.body;
}

async function sandboxCashOuts(externalReference: string): Promise<any[]> {
  const ledger = await stack.sandbox('GET', `/_sandbox/transactions?externalReference=${externalReference}`);
  expect(ledger.status).toBe(200);
  return ledger.body.cashOuts;
}

const statuses = (view: { timeline: { status: string }[] }) => view.timeline.map((t) => t.status);

async function withFaults<T>(faults: unknown, run: () => Promise<T>): Promise<T> {
  const set = await stack.sandbox('PUT', '/_sandbox/faults', faults);
  expect(set.status).toBe(200);
  try {
    return await run();
  } finally {
    await stack.sandbox('DELETE', '/_sandbox/faults');
  }
}

test.each([
  ['CPF', '529.982.247-25', '52998224725'],
  ['CNPJ', '11.222.333/0001-81', '11222333000181'],
  ['EMAIL', 'maria.silva@example.com.br', 'maria.silva@example.com.br'],
  ['PHONE', '+5511987654321', '+5511987654321'],
  ['EVP', '123E4567-E89B-12D3-A456-426614174000', '123e4567-e89b-12d3-a456-426614174000'],
])(
  'a payout to a %s PIX key answers 202 PROCESSING, then completes when ConnectPSP settles it',
  async (type, key, sent) => {
    const { body, res } = await createCashOut({ payee: pixTo(type, key) });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/cash-outs/${body.externalReference}`);
    expect(res.body).toMatchObject({
      externalReference: body.externalReference,
      status: 'PROCESSING',
      amount: '50.00',
      currency: 'BRL',
      destination: { type: 'PIX', pixKeyType: type },
    });
    expect(res.body.connectPsp.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    const [atPsp] = await sandboxCashOuts(body.externalReference);
    expect(atPsp.payee.destination).toEqual({ type: 'PIX', pixKeyType: type, pixKey: sent });

    await drive(res.body.connectPsp.transactionId, 'complete');
    const completed = await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'COMPLETED');
    expect(completed.connectPsp.endToEndId).toMatch(/^E\d{8}/);
    expect(completed.completedAt).toEqual(expect.any(String));
    expect(statuses(completed)).toEqual(['CREATING', 'PROCESSING', 'COMPLETED']);
  },
);

test('a payout to a bank account completes', async () => {
  const payee = { name: payeeName, document: payeeDocument, destination: { type: 'BANK_ACCOUNT', bankAccount } };
  const { body, res } = await createCashOut({ payee });
  expect(res.status).toBe(202);
  expect(res.body.destination).toEqual({ type: 'BANK_ACCOUNT' });
  const [atPsp] = await sandboxCashOuts(body.externalReference);
  expect(atPsp.payee.destination.bankAccount).toEqual(bankAccount);
  await drive(res.body.connectPsp.transactionId, 'complete');
  await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'COMPLETED');
  // Open for returns now; as the server counts it, its history stays well inside the 8 KB a completed payout may use.
  const described = await stack.env.client.workflow.getHandle(cashOutWorkflowId(body.externalReference)).describe();
  expect(described.historySize).toBeLessThanOrEqual(8 * 1024);
});

test('a payout ConnectPSP fails ends FAILED with its failure code and message', async () => {
  const { body, res } = await createCashOut();
  await drive(res.body.connectPsp.transactionId, 'fail', { code: 'PIX_KEY_NOT_FOUND' });
  const failed = await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'FAILED');
  expect(failed.failure).toEqual({
    code: 'PIX_KEY_NOT_FOUND',
    message: 'PIX_KEY_NOT_FOUND',
  });
  expect(failed.failedAt).toEqual(expect.any(String));
  expect(statuses(failed)).toEqual(['CREATING', 'PROCESSING', 'FAILED']);
  // Asking again for a payout that failed after acceptance shows it as it is; it is not a refusal.
  const again = await stack.api('POST', '/v1/cash-outs', body);
  expect(again.status).toBe(200);
  expect(again.body.status).toBe('FAILED');
  await recordHistory(stack.env.client, cashOutWorkflowId(body.externalReference), 'cash-out-failed');
});

test('a completed payout returned by the receiving bank ends REFUNDED', async () => {
  const { body, res } = await createCashOut();
  const transactionId = res.body.connectPsp.transactionId;
  await drive(transactionId, 'complete');
  const completed = await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'COMPLETED');
  await drive(transactionId, 'refund');
  const refunded = await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'REFUNDED');
  expect(refunded.connectPsp.endToEndId).toMatch(/^D\d{8}/);
  expect(refunded.connectPsp.originalEndToEndId).toBe(completed.connectPsp.endToEndId);
  expect(refunded.refundedAt).toEqual(expect.any(String));
  expect(statuses(refunded)).toEqual(['CREATING', 'PROCESSING', 'COMPLETED', 'REFUNDED']);
  await recordHistory(stack.env.client, cashOutWorkflowId(body.externalReference), 'cash-out-returned');
});

test('a payout whose webhook is lost is found by polling ConnectPSP', async () => {
  await withFaults({ webhooks: { dropRate: 1 } }, async () => {
    const { body, res } = await createCashOut();
    await drive(res.body.connectPsp.transactionId, 'complete');
    const completed = await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'COMPLETED');
    expect(completed.connectPsp.endToEndId).toMatch(/^E\d{8}/);
    expect(completed.timeline.at(-1).reason).toContain('found by polling');
  });
});

test('a failure whose webhook is lost is found by polling, with its code', async () => {
  await withFaults({ webhooks: { dropRate: 1 } }, async () => {
    const { body, res } = await createCashOut();
    await drive(res.body.connectPsp.transactionId, 'fail', { code: 'ACCOUNT_CLOSED', message: 'Account closed' });
    const failed = await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'FAILED');
    expect(failed.failure).toEqual({ code: 'ACCOUNT_CLOSED', message: 'Account closed' });
    expect(failed.timeline.at(-1).reason).toContain('found by polling');
    await recordHistory(stack.env.client, cashOutWorkflowId(body.externalReference), 'cash-out-lost-webhook-found');
  });
});

test('duplicate webhook deliveries change nothing', async () => {
  await withFaults({ webhooks: { duplicateRate: 1 } }, async () => {
    const { body, res } = await createCashOut();
    const transactionId = res.body.connectPsp.transactionId;
    await drive(transactionId, 'complete');
    await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'COMPLETED');
    await drive(transactionId, 'refund');
    const refunded = await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'REFUNDED');
    // Let the duplicate deliveries land.
    await new Promise((r) => setTimeout(r, 700));
    const view = await stack.api('GET', `/v1/cash-outs/${body.externalReference}`);
    expect(view.body.timeline).toEqual(refunded.timeline);
    expect(statuses(view.body)).toEqual(['CREATING', 'PROCESSING', 'COMPLETED', 'REFUNDED']);
    await recordHistory(stack.env.client, cashOutWorkflowId(body.externalReference), 'cash-out-duplicate-webhooks');
  });
});

test('a payout above the balance is a 422 problem with INSUFFICIENT_FUNDS, and the lifecycle is FAILED', async () => {
  const { body, res } = await createCashOut({ amount: '600000.00' });
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS', status: 422, source: 'connectpsp' });
  const view = await stack.api('GET', `/v1/cash-outs/${body.externalReference}`);
  expect(view.body.status).toBe('FAILED');
  expect(view.body.failure.code).toBe('INSUFFICIENT_FUNDS');
  expect(await sandboxCashOuts(body.externalReference)).toHaveLength(0);
  // The same request again gets the same answer: the refusal is the outcome of this reference.
  const again = await stack.api('POST', '/v1/cash-outs', body);
  expect(again.status).toBe(422);
  await recordHistory(stack.env.client, cashOutWorkflowId(body.externalReference), 'cash-out-insufficient-funds');
});

test('the same request again answers 200 with the same payout and makes no second ConnectPSP call', async () => {
  const { body, res } = await createCashOut();
  expect(res.status).toBe(202);
  const again = await stack.api('POST', '/v1/cash-outs', body);
  expect(again.status).toBe(200);
  expect(again.body.connectPsp.transactionId).toBe(res.body.connectPsp.transactionId);
  expect(again.body.createdAt).toBe(res.body.createdAt);
  expect(await sandboxCashOuts(body.externalReference)).toHaveLength(1);
});

test('a different body for an existing reference is a 409 problem', async () => {
  const { body } = await createCashOut();
  const res = await stack.api('POST', '/v1/cash-outs', { ...body, amount: '51.00' });
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.code).toBe('EXTERNAL_REFERENCE_CONFLICT');
  expect(await sandboxCashOuts(body.externalReference)).toHaveLength(1);
});

test('bad input is a 400 problem naming every offending field', async () => {
  const res = await stack.api('POST', '/v1/cash-outs', {
    externalReference: 'has spaces!',
    amount: '-1',
    description: 'x'.repeat(141),
    payee: { name: '', document: '12345678900', destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '1' } },
    callbackUrl: 'ftp://x',
    surprise: true,
  });
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  const fields = res.body.errors.map((e: { field: string }) => e.field);
  expect(fields).toEqual(
    expect.arrayContaining([
      'externalReference',
      'amount',
      'description',
      'payee.name',
      'payee.document',
      'payee.destination.pixKey',
      'callbackUrl',
    ]),
  );
  expect(res.body.errors.some((e: { message: string }) => e.message.includes('surprise'))).toBe(true);
});

test.each([
  ['CPF', '12345678900'],
  ['CNPJ', '11222333000182'],
  ['EMAIL', 'not-an-email'],
  ['PHONE', '11987654321'],
  ['EVP', 'not-a-uuid'],
])('a %s PIX key that is not valid for its type is a 400 naming payee.destination.pixKey', async (type, key) => {
  const { res } = await createCashOut({ payee: pixTo(type, key) });
  expect(res.status).toBe(400);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['payee.destination.pixKey']);
});

test('missing or malformed destination fields are each named', async () => {
  const unknownType = await createCashOut({ payee: { ...pixTo('CPF', payeeDocument), destination: { type: 'TED' } } });
  expect(unknownType.res.status).toBe(400);
  expect(unknownType.res.body.errors.map((e: { field: string }) => e.field)).toEqual(['payee.destination.type']);

  const badKeyType = await createCashOut({ payee: pixTo('IBAN', 'x') });
  expect(badKeyType.res.body.errors.map((e: { field: string }) => e.field)).toEqual(['payee.destination.pixKeyType']);

  const badAccount = await createCashOut({
    payee: {
      ...pixTo('CPF', payeeDocument),
      destination: {
        type: 'BANK_ACCOUNT',
        bankAccount: { ispb: '123', branch: '00001', account: '12a', accountType: 'GOLD' },
      },
    },
  });
  expect(badAccount.res.status).toBe(400);
  expect(badAccount.res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
    'payee.destination.bankAccount.account',
    'payee.destination.bankAccount.accountType',
    'payee.destination.bankAccount.branch',
    'payee.destination.bankAccount.ispb',
  ]);

  const noPayee = await stack.api('POST', '/v1/cash-outs', { externalReference: reference('x'), amount: 1 });
  expect(noPayee.body.errors.map((e: { field: string }) => e.field)).toEqual(['payee']);
});

test('a payout retried by Temporal after lost responses yields exactly one ConnectPSP transaction', async () => {
  const externalReference = reference('lost-response');
  await withFaults({ endpoints: { 'POST /cash-out': { lostResponseRate: 1 } } }, async () => {
    const pending = stack.api('POST', '/v1/cash-outs', {
      externalReference,
      amount: '12.34',
      payee: pixTo('EMAIL', 'maria@example.com'),
    });
    // ConnectPSP did the work on the first attempt; wait until Temporal has retried at least once more.
    const handle = stack.env.client.workflow.getHandle(cashOutWorkflowId(externalReference));
    for (let attempt = 0; attempt < 2;) {
      await new Promise((r) => setTimeout(r, 200));
      const description = await handle.describe().catch(() => undefined);
      attempt = description?.raw.pendingActivities?.[0]?.attempt ?? 0;
    }
    expect(await sandboxCashOuts(externalReference)).toHaveLength(1);
    await stack.sandbox('PUT', '/_sandbox/faults', { endpoints: { 'POST /cash-out': { lostResponseRate: 0 } } });
    const res = await pending;
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('PROCESSING');
  });
  const atPsp = await sandboxCashOuts(externalReference);
  expect(atPsp).toHaveLength(1);
  await drive(atPsp[0].transactionId, 'fail', { code: 'PIX_KEY_NOT_FOUND' });
  await stack.waitFor(`/v1/cash-outs/${externalReference}`, (b) => b.status === 'FAILED');
  await recordHistory(stack.env.client, cashOutWorkflowId(externalReference), 'cash-out-lost-response-retried');
});

test('callbacks are signed in the Standard Webhooks format and carry no personal data', async () => {
  const received: { headers: Record<string, string>; body: string }[] = [];
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const { body, res } = await createCashOut({ callbackUrl: url, payee: pixTo('EMAIL', 'maria@example.com') });
    await drive(res.body.connectPsp.transactionId, 'complete');
    await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'COMPLETED');
    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const verifier = new Webhook(stack.config.CALLBACK_SECRET);
    const events = received.map((r) => verifier.verify(r.body, r.headers) as { type: string; data: unknown });
    expect(events.map((e) => e.type).sort()).toEqual(['cash-out.completed', 'cash-out.processing']);
    for (const r of received) {
      expect(r.body).not.toContain(payeeName);
      expect(r.body).not.toContain(payeeDocument);
      expect(r.body).not.toContain('maria@example.com');
    }
  } finally {
    receiver.close();
  }
});

test('no personal data shows in the view, the search attributes or the details operators see', async () => {
  const { body } = await createCashOut({ payee: pixTo('PHONE', '+5521998765432') });
  const handle = stack.env.client.workflow.getHandle(cashOutWorkflowId(body.externalReference));
  const view = await stack.api('GET', `/v1/cash-outs/${body.externalReference}`);
  const description = await handle.describe();
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  const operatorFacing = JSON.stringify([
    view.body,
    await description.staticSummary(),
    metadata.currentDetails,
    description.typedSearchAttributes.getAll(),
  ]);
  expect(metadata.currentDetails).toContain('PROCESSING');
  for (const secret of [payeeName, payeeDocument, '+5521998765432', '21998765432']) {
    expect(operatorFacing).not.toContain(secret);
  }
  expect(
    description.typedSearchAttributes
      .getAll()
      .map((p) => p.key.name)
      .filter((name) => name.startsWith('Payment'))
      .sort(),
  ).toEqual([
    'PaymentAmountCentavos',
    'PaymentDebitedAt',
    'PaymentKind',
    'PaymentPspId',
    'PaymentReference',
    'PaymentStatus',
  ]);
});

test('an unknown reference is a 404 problem', async () => {
  const res = await stack.api('GET', '/v1/cash-outs/no-such-payout');
  expect(res.status).toBe(404);
  expect(res.body.code).toBe('NOT_FOUND');
});

test('the list comes from Temporal visibility, only cash-outs, filtered by status', async () => {
  const { body, res } = await createCashOut();
  await drive(res.body.connectPsp.transactionId, 'fail', {});
  await stack.waitFor(`/v1/cash-outs/${body.externalReference}`, (b) => b.status === 'FAILED');
  const failed = await stack.waitFor('/v1/cash-outs?status=FAILED&limit=100', (x) =>
    x.items.some((i: { externalReference: string }) => i.externalReference === body.externalReference),
  );
  expect(failed.items.every((i: { status: string }) => i.status === 'FAILED')).toBe(true);
  const item = failed.items.find((i: { externalReference: string }) => i.externalReference === body.externalReference);
  expect(item.amount).toBe('50.00');
  const bad = await stack.api('GET', '/v1/cash-outs?status=PAID');
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].field).toBe('status');
});

import { PaymentAttention } from '../../workflows/search-attributes.js';
import { cashInWorkflowId } from '../../workflows/cash-in/messages.js';
import { cashOutWorkflowId, retryNowSignal } from '../../workflows/cash-out/messages.js';
import { rebalanceWorkflowId } from '../../workflows/rebalance/workflow.js';
import { createSandbox } from '../../sandbox/app.js';
import { TEST_API_KEY } from '../support/credentials.js';
import { recordHistory } from '../support/histories.js';
import { serveApi, unreachableTemporal } from '../support/api-server.js';
import { startStack, type Stack } from '../support/stack.js';

// Our own faults (a replica with a wrong secret, ConnectPSP not knowing a transaction it gave us, no worker at
// all) never end a lifecycle and never make the API hang: the lifecycle parks, shows why, and carries on once the
// cause is gone.

let stack: Stack;
/** The worker polling the stack's task queue; tests swap it for misconfigured ones and back. */
let worker: { stop(): Promise<void> };
let counter = 0;

beforeAll(async () => {
  stack = await startStack({ CASH_OUT_FIRST_POLL_SECONDS: '1', CREATE_WAIT_SECONDS: '2', READ_WAIT_MS: '1000' });
  await stack.stopWorker();
  worker = await stack.startWorker({});
});
afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

const reference = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}`;
const cashOutBody = (externalReference: string) => ({
  externalReference,
  amount: '50.00',
  description: 'User withdrawal',
  payee: {
    name: 'Maria Silva',
    document: '52998224725',
    destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '52998224725' },
  },
});
const cashInBody = (externalReference: string) => ({
  externalReference,
  amount: '25.90',
  payer: { name: 'Test User', document: '12345678909' },
});

/** Swaps the worker polling the stack's task queue for one whose configuration differs by `overrides`. */
async function replaceWorker(overrides: Record<string, string> = {}) {
  await worker.stop();
  worker = await stack.startWorker(overrides);
}

async function attentionAttribute(workflowId: string): Promise<string | undefined> {
  const description = await stack.env.client.workflow.getHandle(workflowId).describe();
  return description.typedSearchAttributes.get(PaymentAttention);
}

async function executionStatus(workflowId: string): Promise<string> {
  return (await stack.env.client.workflow.getHandle(workflowId).describe()).status.name;
}

/** Operators' filter for parked lifecycles, asked until visibility (eventually consistent) shows this one. */
async function listedWhileParked(workflowId: string): Promise<string[]> {
  const query = `PaymentAttention IS NOT NULL AND WorkflowId = "${workflowId}"`;
  for (const deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 200))) {
    const listed: string[] = [];
    for await (const execution of stack.env.client.workflow.list({ query })) listed.push(execution.workflowId);
    if (listed.length > 0 || Date.now() > deadline) return listed;
  }
}

const reasons = (view: { timeline: { reason: string }[] }) => view.timeline.map((t) => t.reason);

test('a replica with a wrong ApplicationToken parks the payout (503 on create), a good one carries it on', async () => {
  await replaceWorker({ CONNECTPSP_APPLICATION_TOKEN: '00000000-0000-4000-8000-000000000000' });
  try {
    const externalReference = reference('withdrawal');
    const workflowId = cashOutWorkflowId(externalReference);
    const create = await stack.api('POST', '/v1/cash-outs', cashOutBody(externalReference));
    expect(create.status).toBe(503);
    expect(create.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(create.headers.get('content-type')).toContain('application/problem+json');

    const parked = await stack.waitFor(
      `/v1/cash-outs/${externalReference}`,
      (view) => view.attention?.code === 'INVALID_APPLICATION_TOKEN',
    );
    expect(parked).toMatchObject({ status: 'CREATING', stale: false, failure: null });
    expect(parked.attention.since).toEqual(expect.any(String));
    expect(await attentionAttribute(workflowId)).toBe('INVALID_APPLICATION_TOKEN');
    expect(await listedWhileParked(workflowId)).toEqual([workflowId]);
    // Asked again while parked: still not a refusal.
    expect((await stack.api('POST', '/v1/cash-outs', cashOutBody(externalReference))).status).toBe(503);

    await replaceWorker();
    // No operator action: the workflow's own backoff makes the same create again.
    const recovered = await stack.waitFor(
      `/v1/cash-outs/${externalReference}`,
      (view) => view.status === 'PROCESSING',
      60_000,
    );
    expect(recovered.attention).toBeNull();
    const lines = reasons(recovered);
    expect(lines.filter((r) => r.startsWith('needs attention'))).toHaveLength(1);
    expect(lines.filter((r) => r.startsWith('attention cleared'))).toHaveLength(1);
    expect(await attentionAttribute(workflowId)).toBeUndefined();

    // The service's retry of the same request attaches to the same lifecycle.
    const again = await stack.api('POST', '/v1/cash-outs', cashOutBody(externalReference));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ externalReference, status: 'PROCESSING' });
    expect(await executionStatus(workflowId)).toBe('RUNNING');
    const ledger = await stack.sandbox('GET', `/_sandbox/transactions?externalReference=${externalReference}`);
    expect(ledger.body.cashOuts).toHaveLength(1);
  } finally {
    await replaceWorker();
  }
});

test('under a replica with a wrong CryptoToken a rebalance waits (503), then goes through', async () => {
  const rebalance = { targetAmount: '1000.00', requestId: reference('rebalance') };
  const workflowId = rebalanceWorkflowId(rebalance.requestId);
  await replaceWorker({ CONNECTPSP_CRYPTO_TOKEN: 'not-the-crypto-token' });
  try {
    expect((await stack.api('POST', '/v1/wallet/rebalance', rebalance)).status).toBe(503);
    // A different target under the same requestId is refused at once, even while the first one waits.
    const conflicting = await stack.api('POST', '/v1/wallet/rebalance', { ...rebalance, targetAmount: '1.00' });
    expect(conflicting.status).toBe(409);
    expect(await attentionAttribute(workflowId)).toBe('INVALID_SIGNATURE');
  } finally {
    await replaceWorker();
  }
  await stack.env.client.workflow.getHandle(workflowId).signal(retryNowSignal);
  const done = await stack.api('POST', '/v1/wallet/rebalance', rebalance);
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'COMPLETED' });
  expect(await executionStatus(workflowId)).toBe('COMPLETED');
});

test('under a replica with a wrong ApplicationToken a charge waits and a balance read answers 503', async () => {
  const externalReference = reference('order');
  await replaceWorker({ CONNECTPSP_APPLICATION_TOKEN: '00000000-0000-4000-8000-000000000000' });
  try {
    expect((await stack.api('POST', '/v1/cash-ins', cashInBody(externalReference))).status).toBe(503);
    const parked = await stack.waitFor(
      `/v1/cash-ins/${externalReference}`,
      (view) => view.attention?.code === 'INVALID_APPLICATION_TOKEN',
    );
    expect(parked.status).toBe('CREATING');
    const balance = await stack.api('GET', '/v1/wallet/balance');
    expect(balance.status).toBe(503);
    expect(balance.headers.get('retry-after')).toMatch(/^\d+$/);
  } finally {
    await replaceWorker();
  }
  await stack.env.client.workflow.getHandle(cashInWorkflowId(externalReference)).signal(retryNowSignal);
  await stack.waitFor(`/v1/cash-ins/${externalReference}`, (view) => view.status === 'AWAITING_PAYMENT');
  expect((await stack.api('GET', '/v1/wallet/balance')).status).toBe(200);
  // The refused read ended as an answer, not as a failed workflow.
  const reads = stack.env.client.workflow.list({ query: 'WorkflowType = "readBalance"' });
  for await (const execution of reads) expect(['RUNNING', 'COMPLETED']).toContain(execution.status.name);
});

test('a poll answered TRANSACTION_NOT_FOUND parks the payout; retryNow after the fix carries it to its end', async () => {
  const externalReference = reference('withdrawal');
  const workflowId = cashOutWorkflowId(externalReference);
  const create = await stack.api('POST', '/v1/cash-outs', cashOutBody(externalReference));
  expect(create.status).toBe(202);
  const transactionId: string = create.body.connectPsp.transactionId;

  // A ConnectPSP that lost its state (a sandbox started afresh): it knows no transaction at all.
  const amnesiac = await createSandbox({ host: '127.0.0.1', port: 0 });
  try {
    await replaceWorker({ CONNECTPSP_BASE_URL: amnesiac.url });
    const parked = await stack.waitFor(
      `/v1/cash-outs/${externalReference}`,
      (view) => view.attention?.code === 'TRANSACTION_NOT_FOUND',
      30_000,
    );
    expect(parked.status).toBe('PROCESSING');
  } finally {
    await replaceWorker();
    await amnesiac.close();
  }
  await stack.env.client.workflow.getHandle(workflowId).signal(retryNowSignal);
  await stack.waitFor(`/v1/cash-outs/${externalReference}`, (view) => view.attention === null);

  expect((await stack.sandbox('POST', `/_sandbox/cash-out/${transactionId}/fail`, {})).status).toBe(200);
  const failed = await stack.waitFor(`/v1/cash-outs/${externalReference}`, (view) => view.status === 'FAILED');
  expect(failed.failure).not.toBeNull();
  // FAILED is the payout's business outcome; the workflow execution itself completed.
  await stack.env.client.workflow.getHandle(workflowId).result();
  expect(await executionStatus(workflowId)).toBe('COMPLETED');
  await recordHistory(stack.env.client, workflowId, 'cash-out-parked-then-recovered');
});

test('with no worker polling, a create answers 503 within its budget and reads answer a stale view', async () => {
  const paid = reference('withdrawal');
  expect((await stack.api('POST', '/v1/cash-outs', cashOutBody(paid))).status).toBe(202);

  await worker.stop();
  const externalReference = reference('order');
  try {
    const started = Date.now();
    const create = await stack.api('POST', '/v1/cash-ins', cashInBody(externalReference));
    expect(create.status).toBe(503);
    expect(create.headers.get('retry-after')).toMatch(/^\d+$/);
    console.info(`create with no worker answered ${create.status} in ${Date.now() - started} ms`);

    const read = await stack.api('GET', `/v1/cash-ins/${externalReference}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ externalReference, status: 'CREATING', amount: '25.90', stale: true });

    const payout = await stack.api('GET', `/v1/cash-outs/${paid}`);
    expect(payout.status).toBe(200);
    expect(payout.body).toMatchObject({ externalReference: paid, status: 'PROCESSING', stale: true, timeline: [] });
    // A repeat of a create that got through answers the state it got to.
    const repeat = await stack.api('POST', '/v1/cash-outs', cashOutBody(paid));
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ status: 'PROCESSING', stale: true });
    // A different body under the same reference is still a conflict.
    const other = await stack.api('POST', '/v1/cash-outs', { ...cashOutBody(paid), amount: '51.00' });
    expect(other.status).toBe(409);
  } finally {
    worker = await stack.startWorker({});
  }
  // The lifecycle the 503 answered for carries on once a worker polls, and the same request attaches to it.
  await stack.waitFor(`/v1/cash-ins/${externalReference}`, (view) => view.status === 'AWAITING_PAYMENT');
  const again = await stack.api('POST', '/v1/cash-ins', cashInBody(externalReference));
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ status: 'AWAITING_PAYMENT', stale: false });
  expect(await executionStatus(cashInWorkflowId(externalReference))).toBe('RUNNING');
});

test('a lifecycle terminated by an operator still answers its last view, and a replayed create 200 or 409', async () => {
  const externalReference = reference('order');
  const created = await stack.api('POST', '/v1/cash-ins', cashInBody(externalReference));
  expect(created.status).toBe(201);
  await stack.env.client.workflow.getHandle(cashInWorkflowId(externalReference)).terminate('operator test');

  const read = await stack.api('GET', `/v1/cash-ins/${externalReference}`);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ externalReference, status: 'AWAITING_PAYMENT' });
  expect((await stack.api('POST', '/v1/cash-ins', cashInBody(externalReference))).status).toBe(200);
  expect((await stack.api('POST', '/v1/cash-ins', { ...cashInBody(externalReference), amount: '1.00' })).status).toBe(
    409,
  );
  expect((await stack.api('GET', `/v1/cash-ins/${reference('unknown')}`)).status).toBe(404);
});

test('with Temporal unreachable, a create and a read answer 503 with Retry-After, bounded by their budgets', async () => {
  // No connect timeout of its own: only our budgets bound the answers.
  const temporal = unreachableTemporal();
  const { url, close } = await serveApi(stack.config, temporal.client);
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const started = Date.now();
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      console.info(`${method} ${path} with Temporal unreachable: ${res.status} in ${Date.now() - started} ms`);
      return res;
    };
    const externalReference = reference('withdrawal');
    for (const res of [
      await call('POST', '/v1/cash-outs', cashOutBody(externalReference)),
      await call('GET', `/v1/cash-outs/${externalReference}`),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  } finally {
    close();
    await temporal.close();
  }
});

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { loadConfig } from '../../config/env.js';
import { createSandbox, type RunningSandbox } from '../../sandbox/app.js';
import { createWorkerActivities } from '../../worker/activities.js';
import { createWorker } from '../../worker/create-worker.js';
import {
  cashInEventSignal,
  cashInViewQuery,
  cashInWorkflowId,
  refundCashInUpdate,
} from '../../workflows/cash-in/messages.js';
import type { CashInView, NewCashIn } from '../../workflows/cash-in/types.js';
import { cashIn } from '../../workflows/cash-in/workflow.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { recordHistory } from '../support/histories.js';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';

// Long timers (24 h expiry, manual settlement window, 90-day refund limit) on the time-skipping server,
// with the real activities talking HTTP to the sandbox.
let env: TestWorkflowEnvironment;
let sandbox: RunningSandbox;
let worker: Worker;
let workerRun: Promise<void>;
let closeClient: () => Promise<void>;
const taskQueue = 'cash-in-timers';
let n = 0;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  sandbox = await createSandbox();
  const config = loadConfig({ NODE_ENV: 'test', CONNECTPSP_BASE_URL: sandbox.url, TEMPORAL_TASK_QUEUE: taskQueue });
  const { client, activities } = createWorkerActivities(config);
  closeClient = () => client.close();
  worker = await createWorker({ connection: env.nativeConnection, config, activities });
  workerRun = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await closeClient?.();
  await sandbox?.close();
  await env?.teardown();
});

function input(overrides: Partial<NewCashIn> = {}): NewCashIn {
  n += 1;
  return {
    kind: 'new',
    externalReference: `timer-${Date.now().toString(36)}-${n}`,
    amountCentavos: 1234,
    expirationInMinutes: 1440,
    payer: { name: 'Maria Silva', document: '52998224725' },
    settlement: { mode: 'auto', windowMinutes: 60 },
    requestFingerprint: 'fp',
    creationRequestId: `req-${n}`,
    latePaymentWindowMinutes: 60,
    ...overrides,
  };
}

async function sandboxJson(method: string, path: string, body?: unknown) {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status).toBeLessThan(300);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

async function start(args: NewCashIn) {
  const handle = await env.client.workflow.start(cashIn, {
    taskQueue,
    workflowId: cashInWorkflowId(args.externalReference),
    args: [args],
  });
  return handle;
}

async function transactionIdOf(reference: string): Promise<string> {
  for (;;) {
    const ledger = await sandboxJson('GET', `/_sandbox/transactions?externalReference=${reference}`);
    if (ledger.cashIns.length > 0) return ledger.cashIns[0].transactionId;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('an unpaid cash-in expires after 24 hours, once ConnectPSP confirms it is unpaid', async () => {
  const args = input();
  const handle = await start(args);
  const view = await handle.result();
  expect(view.status).toBe('EXPIRED');
  expect(view.timeline.at(-1)?.reason).toContain('confirmed with ConnectPSP');
  await recordHistory(env.client, handle.workflowId, 'cash-in-expired');
});

test('a payment whose webhook was lost is found at the deadline and settled', async () => {
  const args = input();
  const handle = await start(args);
  await sandboxJson('POST', `/_sandbox/cash-in/${await transactionIdOf(args.externalReference)}/pay`);
  const view = await handle.result();
  expect(view.status).toBe('SETTLED');
  expect(view.payments).toHaveLength(1);
  await recordHistory(env.client, handle.workflowId, 'cash-in-lost-webhook-found');
});

test('a manual cash-in not settled within its window is refunded automatically', async () => {
  const args = input({ settlement: { mode: 'manual', windowMinutes: 120 } });
  const handle = await start(args);
  const transactionId = await transactionIdOf(args.externalReference);
  await sandboxJson('POST', `/_sandbox/cash-in/${transactionId}/pay`);
  const paid = await sandboxJson('GET', `/_sandbox/transactions?externalReference=${args.externalReference}`);
  const cashInAtPsp = paid.cashIns[0];
  await handle.signal(cashInEventSignal, {
    eventType: 'CASHIN_PAID',
    eventAt: new Date().toISOString(),
    transactionId,
    status: 'PAID',
    amountCentavos: 1234,
    endToEndId: cashInAtPsp.endToEndId,
  });
  const view = await handle.result();
  expect(view.status).toBe('REFUNDED');
  expect(view.timeline.map((t) => t.status)).toEqual(expect.arrayContaining(['PAID', 'REFUNDING', 'REFUNDED']));
  expect(view.payments[0]?.refundReason).toBe('settlement window missed');
  await recordHistory(env.client, handle.workflowId, 'cash-in-window-missed');
});

test('a refund more than 90 days after payment is refused', async () => {
  const args = input();
  const paidAt = new Date(await env.currentTimeMs()).toISOString();
  const settled: CashInView = {
    externalReference: args.externalReference,
    status: 'SETTLED',
    amountCentavos: args.amountCentavos,
    settlementMode: 'auto',
    createdAt: paidAt,
    paidAt,
    payments: [
      { endToEndId: 'E1234567820260101000000000000001', amountCentavos: 1234, paidAt, disposition: 'ACCEPTED' },
    ],
    timeline: [],
    requestFingerprint: 'fp',
    creationRequestId: 'req',
  };
  await env.sleep('91 days');
  const reopen = new WithStartWorkflowOperation(cashIn, {
    workflowId: cashInWorkflowId(args.externalReference),
    taskQueue,
    args: [{ kind: 'reopened', view: settled }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const refused = env.client.workflow.executeUpdateWithStart(refundCashInUpdate, {
    args: [{ reason: 'CUSTOMER_REQUEST' }],
    startWorkflowOperation: reopen,
  });
  await expect(refused).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  await expect(refused).rejects.toMatchObject({ cause: { type: 'REFUND_WINDOW_CLOSED' } });
});

test('a payment arriving after expiry is refunded automatically and shows in the timeline', async () => {
  const args = input({ latePaymentWindowMinutes: 24 * 60 });
  const handle = await start(args);
  const transactionId = await transactionIdOf(args.externalReference);
  await env.sleep('25 hours');
  expect((await handle.query(cashInViewQuery)).status).toBe('EXPIRED');
  // The payer's bank settles anyway (ConnectPSP's own clock has not expired the charge yet).
  await sandboxJson('POST', `/_sandbox/cash-in/${transactionId}/pay`);
  const ledger = await sandboxJson('GET', `/_sandbox/transactions?externalReference=${args.externalReference}`);
  await handle.signal(cashInEventSignal, {
    eventType: 'CASHIN_PAID',
    eventAt: new Date().toISOString(),
    transactionId,
    status: 'PAID',
    amountCentavos: 1234,
    endToEndId: ledger.cashIns[0].endToEndId,
  });
  const view = await handle.result();
  expect(view.status).toBe('REFUNDED');
  expect(view.timeline.map((t) => t.status)).toEqual(expect.arrayContaining(['EXPIRED', 'REFUNDING', 'REFUNDED']));
  expect(view.payments[0]?.refundReason).toBe('late payment after expiry');
  const after = await sandboxJson('GET', `/_sandbox/transactions?externalReference=${args.externalReference}`);
  expect(after.cashIns[0].status).toBe('REFUNDED');
  await recordHistory(env.client, handle.workflowId, 'cash-in-late-payment-refunded');
});

import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../codec/data-converter.js';
import { loadConfig } from '../../config/env.js';
import { createSandbox, type RunningSandbox } from '../../sandbox/app.js';
import { createWorkerActivities } from '../../worker/activities.js';
import { WORKFLOWS_PATH, workflowInterceptorModules } from '../../worker/workflow-bundle.js';
import {
  cashInEventSignal,
  cashInViewQuery,
  cashInWorkflowId,
  refundCashInUpdate,
} from '../../workflows/cash-in/messages.js';
import type { CashInView } from '../../workflows/cash-in/types.js';
import { cashIn } from '../../workflows/cash-in/workflow.js';
import { createTestEnv } from '../support/temporal.js';
import { releaseChildStarts } from '../workflows/hold-child-starts.js';

// Found by the chaos runner (`npm run chaos`): a refund accepted while a settled cash-in's run was waiting for its
// callbacks to start was answered 202 REFUNDING, then the run closed REFUNDING and never refunded at ConnectPSP.
// A test-only interceptor holds child starts, so the refund lands exactly in that last await.
let env: TestWorkflowEnvironment;
let sandbox: RunningSandbox;
let receiver: Server;
let worker: Worker;
let workerRun: Promise<void>;
let closeClient: () => Promise<void>;
const taskQueue = 'cash-in-refund-while-closing';
const received: string[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  sandbox = await createSandbox();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body).type);
      res.writeHead(204).end();
    });
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const config = loadConfig({
    NODE_ENV: 'test',
    CONNECTPSP_BASE_URL: sandbox.url,
    TEMPORAL_TASK_QUEUE: taskQueue,
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  const { client, activities } = createWorkerActivities(config);
  closeClient = () => client.close();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    dataConverter: createDataConverter(config.PAYLOAD_KEYS, { compress: config.PAYLOAD_COMPRESSION }),
    workflowsPath: WORKFLOWS_PATH,
    activities,
    interceptors: {
      workflowModules: [
        ...workflowInterceptorModules(false),
        fileURLToPath(new URL('../workflows/hold-child-starts.ts', import.meta.url)),
      ],
    },
  });
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await closeClient?.();
  receiver?.closeAllConnections();
  receiver?.close();
  await sandbox?.close();
  await env?.teardown();
});

async function sandboxJson(method: string, path: string): Promise<any> {
  const res = await fetch(sandbox.url + path, { method });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

test('a refund accepted while a settled run waits for its callbacks to start is carried out before it closes', async () => {
  const externalReference = `closing-${Date.now().toString(36)}`;
  const handle = await env.client.workflow.start(cashIn, {
    taskQueue,
    workflowId: cashInWorkflowId(externalReference),
    args: [
      {
        kind: 'new',
        externalReference,
        amountCentavos: 1234,
        expirationInMinutes: 60,
        payer: { name: 'Maria Silva', document: '52998224725' },
        settlement: { mode: 'auto', windowMinutes: 60 },
        requestFingerprint: 'fp',
        creationRequestId: 'req-closing',
        latePaymentWindowMinutes: 60,
        callbackUrl: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/callbacks`,
      },
    ],
  });
  let transactionId: string | undefined;
  while (!transactionId) {
    const ledger = await sandboxJson('GET', `/_sandbox/transactions?externalReference=${externalReference}`);
    transactionId = ledger.cashIns[0]?.transactionId;
    if (!transactionId) await new Promise((r) => setTimeout(r, 50));
  }
  const paid = await sandboxJson('POST', `/_sandbox/cash-in/${transactionId}/pay`);
  await handle.signal(cashInEventSignal, {
    eventType: 'CASHIN_PAID',
    eventAt: new Date().toISOString(),
    transactionId,
    status: 'PAID',
    amountCentavos: 1234,
    endToEndId: paid.endToEndId,
  });
  // SETTLED, and held in the last await of the run: its callbacks cannot start.
  for (let i = 0; (await handle.query(cashInViewQuery)).status !== 'SETTLED'; i++) {
    if (i > 200) throw new Error('never SETTLED');
    await new Promise((r) => setTimeout(r, 50));
  }
  // Its two callback deliveries done (awaiting_payment; paid and settled): it now waits for its record to start.
  const completedActivities = async () =>
    ((await handle.fetchHistory()).events ?? []).filter((e) => e.activityTaskCompletedEventAttributes).length;
  for (let i = 0; (await completedActivities()) < 2; i++) {
    if (i > 200) throw new Error('callbacks never delivered');
    await new Promise((r) => setTimeout(r, 50));
  }
  const accepted = await handle.executeUpdate(refundCashInUpdate, { args: [{ reason: 'CUSTOMER_REQUEST' }] });
  expect(accepted.status).toBe('REFUNDING');
  await handle.signal(releaseChildStarts);

  const view: CashInView = await handle.result();
  expect(view.status).toBe('REFUNDED');
  const atPsp = await sandboxJson('GET', `/_sandbox/transactions?externalReference=${externalReference}`);
  expect(atPsp.cashIns[0].status).toBe('REFUNDED');

  // The events made while the run was closing were sent too, and recorded for the events API: every one of the
  // run's events is in a `callbacks` record, delivered.
  expect(received).toEqual([
    'cash-in.awaiting_payment',
    'cash-in.paid',
    'cash-in.settled',
    'cash-in.refunding',
    'cash-in.refunded',
  ]);
  const recorded: { type: string; delivery: string }[] = [];
  // Visibility is eventually consistent: read until every record is listed.
  for (let i = 0; i < 50 && recorded.length < received.length; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    recorded.length = 0;
    for await (const run of env.client.workflow.list({
      query: `WorkflowType = 'callbacks' AND CallbackLifecycle = '${cashInWorkflowId(externalReference)}'`,
    })) {
      const record = run.memo?.callbacks as { events: { event: { type: string }; delivery: string }[] };
      recorded.push(...record.events.map((e) => ({ type: e.event.type, delivery: e.delivery })));
    }
  }
  expect(recorded.map((e) => e.type).sort()).toEqual([...received].sort());
  expect(recorded.every((e) => e.delivery === 'delivered')).toBe(true);
});

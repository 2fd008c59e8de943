import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { CashOutService } from '../../api/cash-outs/service.js';
import { toCashOutEvent } from '../../api/webhooks/events.js';
import { loadConfig, type Config } from '../../config/env.js';
import { createSandbox, type RunningSandbox } from '../../sandbox/app.js';
import { createWorkerActivities } from '../../worker/activities.js';
import { createWorker } from '../../worker/create-worker.js';
import { cashOutEventSignal, cashOutWorkflowId } from '../../workflows/cash-out/messages.js';
import type { CashOutView } from '../../workflows/cash-out/types.js';
import type { cashOut } from '../../workflows/cash-out/workflow.js';
import { recordHistory } from '../support/histories.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

// The 7-day return window and the growing poll interval on the time-skipping server, with the real activities
// talking HTTP to the sandbox and lifecycles started and reopened by the API's own service.
let env: TestWorkflowEnvironment;
let sandbox: RunningSandbox;
let worker: Worker;
let workerRun: Promise<void>;
let closeClient: () => Promise<void>;
let config: Config;
let service: CashOutService;
let n = 0;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  sandbox = await createSandbox();
  config = loadConfig({
    NODE_ENV: 'test',
    CONNECTPSP_BASE_URL: sandbox.url,
    TEMPORAL_TASK_QUEUE: 'cash-out-timers',
    // Nothing listens there: the sandbox's webhooks are lost, and the tests deliver events themselves.
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
  });
  const { client, activities } = createWorkerActivities(config);
  closeClient = () => client.close();
  worker = await createWorker({ connection: env.nativeConnection, config, activities });
  workerRun = worker.run();
  service = new CashOutService(env.client, config);
});
afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await closeClient?.();
  await sandbox?.close();
  await env?.teardown();
});

async function sandboxJson(method: string, path: string): Promise<any> {
  const res = await fetch(sandbox.url + path, { method });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

async function createPayout(): Promise<CashOutView> {
  n += 1;
  const { created, view } = await service.create({
    externalReference: `timer-out-${Date.now().toString(36)}-${n}`,
    amount: 2500,
    payee: {
      name: 'Maria Silva',
      document: '52998224725',
      destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'maria@example.com' },
    },
  });
  expect(created).toBe(true);
  expect(view.status).toBe('PROCESSING');
  return view;
}

/** Drives the payout at the sandbox and returns the event its webhook would carry. */
async function drive(view: CashOutView, action: 'complete' | 'refund') {
  const data = await sandboxJson('POST', `/_sandbox/cash-out/${view.connectPsp!.transactionId}/${action}`);
  const eventType = action === 'complete' ? 'CASHOUT_COMPLETED' : 'CASHOUT_REFUNDED';
  return toCashOutEvent(eventType, new Date().toISOString(), data);
}

test('a completed payout stays open for returns for 7 days, then closes after one last check', async () => {
  const view = await createPayout();
  const handle = env.client.workflow.getHandle<typeof cashOut>(cashOutWorkflowId(view.externalReference));
  await handle.signal(cashOutEventSignal, await drive(view, 'complete'));
  const startedAt = await env.currentTimeMs();
  const closed = await handle.result();
  expect(closed.status).toBe('COMPLETED');
  expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(7 * 24 * 3600_000);
  expect(closed.timeline.map((t) => t.status)).toEqual(['CREATING', 'PROCESSING', 'COMPLETED']);
  const history = await handle.fetchHistory();
  // The happy path's Temporal cost, kept in sight (PRODUCT.md §6 budgets 23 events for a cash-in).
  // The last check runs inside its workflow task (a local activity): 27 events, where an activity task made it 32;
  // and 2 for the patch that publishes ConnectPSP's id (its marker and the SDK's TemporalChangeVersion upsert).
  expect(history.events?.length).toBeLessThanOrEqual(29);
  await recordHistory(env.client, handle.workflowId, 'cash-out-completed');
});

test('a return after the window reopens the closed lifecycle, which ends REFUNDED', async () => {
  const view = await createPayout();
  const handle = env.client.workflow.getHandle<typeof cashOut>(cashOutWorkflowId(view.externalReference));
  await handle.signal(cashOutEventSignal, await drive(view, 'complete'));
  expect((await handle.result()).status).toBe('COMPLETED');

  const returned = await drive(view, 'refund');
  expect(await service.deliverEvent(view.externalReference, returned)).toBe('reopened');
  const refunded = await env.client.workflow.getHandle<typeof cashOut>(handle.workflowId).result();
  expect(refunded.status).toBe('REFUNDED');
  expect(refunded.connectPsp?.endToEndId).toMatch(/^D/);
  expect(refunded.timeline.map((t) => t.status)).toEqual(['CREATING', 'PROCESSING', 'COMPLETED', 'REFUNDED']);
  // The same return delivered again is old news.
  expect(await service.deliverEvent(view.externalReference, returned)).toBe('known');
  expect((await service.get(view.externalReference)).timeline).toEqual(refunded.timeline);
  await recordHistory(env.client, handle.workflowId, 'cash-out-returned-after-reopen');
});

test('without webhooks the payout is polled at growing intervals until ConnectPSP reports it final', async () => {
  const view = await createPayout();
  const handle = env.client.workflow.getHandle<typeof cashOut>(cashOutWorkflowId(view.externalReference));
  await env.sleep('3 hours');
  await drive(view, 'complete');
  const closed = await handle.result();
  expect(closed.status).toBe('COMPLETED');
  expect(closed.timeline.at(-1)?.reason).toContain('found by polling');
  const history = await handle.fetchHistory();
  const timers = (history.events ?? [])
    .map((e) => e.timerStartedEventAttributes?.startToFireTimeout?.seconds)
    .filter((s) => s != null)
    .map(Number);
  // 1, 2, 4, 8, 16, 32 minutes, then hourly; the last timer is the 7-day return window.
  expect(timers.slice(0, 7)).toEqual([60, 120, 240, 480, 960, 1920, 3600]);
  expect(timers.at(-1)).toBe(7 * 24 * 3600);
  await recordHistory(env.client, handle.workflowId, 'cash-out-polled-until-final');
});

import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { apiKeyEntryLine, generateApiKey } from '../api/auth/api-keys.js';
import { createDataConverter } from '../codec/data-converter.js';
import { parsePayloadKeys } from '../codec/payload-keys.js';
import { startDevServer } from '../scripts/dev-server.js';
import { freePort } from '../scripts/ports.js';
import { ChildProcessGroup } from '../scripts/process-group.js';
import { PROJECT_ROOT } from '../scripts/temporal-binaries.js';
import { WORKFLOWS_PATH, workflowInterceptorModules } from '../worker/workflow-bundle.js';
import { FLOOR_TASK_QUEUE } from './floor/shared.js';
import { childPids } from './measure.js';

/** Task queue of the baseline worker: the same worker code and `cashIn` workflow, driven without our API. */
export const RAW_TASK_QUEUE = 'bench-raw';
export const API_TASK_QUEUE = 'pix-payments';
/**
 * How long a completed payout stays open for a return, on the API path: the shortest the configuration allows, so
 * that the bench sees a payout's run complete (7 days by default).
 */
export const BENCH_REFUND_WINDOW_MINUTES = 1;
const FLOOR_WORKFLOWS_PATH = path.join(PROJECT_ROOT, 'bench', 'floor', 'workflow.ts');
const QUIET_BUNDLER = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

export interface BenchStack {
  env: TestWorkflowEnvironment;
  /** Client on the dev server with the stack's data converter (encrypted payloads), like the API's. */
  client: Client;
  /** Client on the dev server with the SDK's default data converter, for the floor (no codec: nothing of ours). */
  floorClient: Client;
  apiUrl: string;
  apiKey: string;
  /** Sandbox of the API path: pays every new cash-in at once and posts the webhook to the API. */
  sandboxUrl: string;
  /** Sandbox of the baseline worker: no auto-pay, so no webhook ever reaches the API from it. */
  rawSandboxUrl: string;
  /** Process ids by role, for CPU and memory readings. */
  pids: Record<'temporal' | 'sandbox' | 'worker' | 'api' | 'rawSandbox' | 'rawWorker' | 'floorWorker', number>;
  devServerFlags: string[];
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /**
   * Log level of the children. Their lines are relayed through the bench's stdout, which would make the bench
   * process pay for every info line of the API path; `warn` keeps both paths quiet. @default 'warn'
   */
  logLevel?: string;
  /** Environment of the API path's worker on top of the defaults (the reconciliation's settings). */
  workerEnv?: Record<string, string>;
  /** The API path's sandbox pays every new cash-in at once unless false. @default true */
  autoPay?: boolean;
  /** A completed payout's return window, minutes. @default {@link BENCH_REFUND_WINDOW_MINUTES} */
  refundWindowMinutes?: number;
}

/**
 * The embedded stack as `npm start` runs it — dev server on a SQLite file with WAL, sandbox with auto-pay, worker
 * and API each their own process — plus the baseline's own worker and sandbox. Both workers load one workflow
 * bundle built here ahead of time, as the Docker image does. The floor (`bench/floor/`) has a bundle and a worker
 * process of its own, on its own task queue.
 */
export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const dataDir = path.join(PROJECT_ROOT, '.data', `bench-${process.pid}-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const payloadKeys = `bench:${randomBytes(32).toString('base64')}`;
  const apiKey = generateApiKey();
  const bundlePath = path.join(dataDir, 'workflows.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: workflowInterceptorModules(false),
    logger: QUIET_BUNDLER,
  });
  writeFileSync(bundlePath, code);
  const floorBundlePath = path.join(dataDir, 'floor-workflows.js');
  const floor = await bundleWorkflowCode({
    workflowsPath: FLOOR_WORKFLOWS_PATH,
    logger: QUIET_BUNDLER,
  });
  writeFileSync(floorBundlePath, floor.code);

  const temporalPort = await freePort();
  const env = await startDevServer({
    port: temporalPort,
    dbFilename: path.join(dataDir, 'temporal.db'),
    dataConverter: createDataConverter(parsePayloadKeys(payloadKeys)),
  });
  const [temporalPid] = childPids(/temporal/);
  const [apiPort, sandboxPort, rawSandboxPort, workerMetricsPort, rawWorkerMetricsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const children = new ChildProcessGroup(PROJECT_ROOT);
  const failures: string[] = [];
  children.onUnexpectedExit((name, code) => failures.push(`${name} exited unexpectedly (code ${code})`));
  const common: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: options.logLevel ?? 'warn',
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_NAMESPACE: 'default',
    API_KEYS: apiKeyEntryLine('bench', apiKey),
    PAYLOAD_KEYS: payloadKeys,
    API_PORT: String(apiPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    CONNECTPSP_BASE_URL: '',
    WORKFLOW_BUNDLE_PATH: bundlePath,
    TRACING_EXPORTER: 'none',
    DATA_DIR: dataDir,
    // The callback cost figure's receiver listens on 127.0.0.1 in the bench process.
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
  };
  const start = (name: string, entry: string, extra: Record<string, string>) =>
    children.start(name, entry, { ...common, ...extra }).pid ?? 0;
  const sandboxPid = start('sandbox', 'sandbox/main.ts', {
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_AUTO_PAY_MS: options.autoPay === false ? '' : '0',
  });
  const rawSandboxPid = start('raw-sandbox', 'sandbox/main.ts', {
    SANDBOX_PORT: String(rawSandboxPort),
    SANDBOX_AUTO_PAY_MS: '',
  });
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const rawSandboxUrl = `http://127.0.0.1:${rawSandboxPort}`;
  await children.waitForHttp('sandbox', `${sandboxUrl}/_sandbox/transactions`);
  await children.waitForHttp('raw-sandbox', `${rawSandboxUrl}/_sandbox/transactions`);
  // The API path's worker reconciles at its defaults, as in production. The baseline's worker has none: its
  // lifecycles are the raw figures' own, and its sandbox is not the API path's.
  const workerEnv = {
    SANDBOX_PORT: String(sandboxPort),
    TEMPORAL_TASK_QUEUE: API_TASK_QUEUE,
    WORKER_METRICS_PORT: String(workerMetricsPort),
    ...options.workerEnv,
  };
  const rawWorkerPid = start('raw-worker', 'worker/main.ts', {
    SANDBOX_PORT: String(rawSandboxPort),
    TEMPORAL_TASK_QUEUE: RAW_TASK_QUEUE,
    WORKER_METRICS_PORT: String(rawWorkerMetricsPort),
    RECONCILE_INTERVAL_MINUTES: '0',
  });
  // The baseline's worker removes the one `reconcile` Schedule (interval 0) before it polls: the API path's worker
  // starts after, and sets it.
  await untilPolled(env.client, RAW_TASK_QUEUE);
  const workerPid = start('worker', 'worker/main.ts', workerEnv);
  const floorWorkerPid = start('floor-worker', 'bench/floor/worker.ts', {
    FLOOR_WORKFLOW_BUNDLE_PATH: floorBundlePath,
  });
  const apiPid = start('api', 'api/main.ts', {
    SANDBOX_PORT: String(sandboxPort),
    TEMPORAL_TASK_QUEUE: API_TASK_QUEUE,
    CASH_OUT_REFUND_WINDOW_MINUTES: String(options.refundWindowMinutes ?? BENCH_REFUND_WINDOW_MINUTES),
    // The bench's key must not be throttled: the figures are of the stack, not of the rate limiter.
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await children.waitForHttp('api', `${apiUrl}/healthz`);
  await children.waitForHttp('worker', `http://127.0.0.1:${workerMetricsPort}/metrics`);
  await children.waitForHttp('raw-worker', `http://127.0.0.1:${rawWorkerMetricsPort}/metrics`);
  await untilPolled(env.client, FLOOR_TASK_QUEUE);
  await untilPolled(env.client, API_TASK_QUEUE);

  return {
    env,
    client: env.client,
    floorClient: new Client({ connection: env.connection, namespace: 'default' }),
    apiUrl,
    apiKey,
    sandboxUrl,
    rawSandboxUrl,
    pids: {
      temporal: temporalPid ?? 0,
      sandbox: sandboxPid,
      worker: workerPid,
      api: apiPid,
      rawSandbox: rawSandboxPid,
      rawWorker: rawWorkerPid,
      floorWorker: floorWorkerPid,
    },
    devServerFlags: [
      '--db-filename <file>',
      '--sqlite-pragma journal_mode=wal',
      '--sqlite-pragma synchronous=normal',
      '--ip 127.0.0.1',
      '--headless (no UI)',
    ],
    async stop() {
      await children.stop();
      await env.teardown();
      rmSync(dataDir, { recursive: true, force: true });
      if (failures.length > 0) throw new Error(failures.join('; '));
    },
  };
}

/** Waits until a worker polls the task queue for workflow tasks (the floor's worker serves no HTTP to wait on). */
async function untilPolled(client: Client, taskQueue: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if ((pollers ?? []).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no worker polled ${taskQueue} after ${timeoutMs} ms`);
}

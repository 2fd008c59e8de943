import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { pino } from 'pino';
import type { Logger } from '../../observability/logger.js';
import type { Tracing } from '../../observability/tracing.js';
import { ConnectPspClient } from '../../connectpsp/client.js';
import { createApp } from '../../api/app.js';
import { loadConfig, type Config } from '../../config/env.js';
import { freePort } from '../../scripts/ports.js';
import { createSandbox } from '../../sandbox/app.js';
import { createWorkerActivities } from '../../worker/activities.js';
import { createWorker } from '../../worker/create-worker.js';
import { createReconcileWorker } from '../../worker/reconcile-worker.js';
import { ensureCurrentVersion } from '../../worker/versioning.js';
import { createDataConverter } from '../../codec/data-converter.js';
import { parsePayloadKeys } from '../../codec/payload-keys.js';
import { TEST_API_KEY, TEST_API_KEYS_ENTRY, TEST_PAYLOAD_KEYS } from './credentials.js';
import { createTestEnv } from './temporal.js';

export interface StackOptions {
  /** Receives the API's and the worker's log lines. @default silent */
  logger?: Logger;
  /** Turns tracing on in the API, the Temporal client and the worker. */
  tracing?: Tracing;
  /** Starts the dev server's Web UI too, with our API as its codec endpoint (`stack.uiUrl`). */
  ui?: boolean;
}

export interface ApiRequestOptions {
  /** Bearer token to send instead of the test API key; `null` sends no Authorization header at all. */
  token?: string | null;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface Stack {
  config: Config;
  env: TestWorkflowEnvironment;
  apiUrl: string;
  sandboxUrl: string;
  /** The Temporal Web UI, when started with `ui: true`. */
  uiUrl?: string;
  /** JSON request to our API, with the all-scopes test API key unless `options.token` says otherwise. */
  api(
    method: string,
    path: string,
    body?: unknown,
    options?: ApiRequestOptions,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** JSON request to the sandbox's test controls. */
  sandbox(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /**
   * Starts one more worker on the stack's task queue, its configuration being the stack's with `overrides` (a
   * replica with a wrong secret, one pointed at another ConnectPSP). Resolves once it polls; stop it when done.
   */
  startWorker(overrides: Record<string, string>): Promise<{ stop(): Promise<void> }>;
  /** Stops the stack's own worker (no worker polls until `startWorker`). */
  stopWorker(): Promise<void>;
  /** Polls GET `path` on the API until `predicate` holds. */
  waitFor(path: string, predicate: (body: any) => boolean, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

/**
 * The whole product in one test process, every part real: a Temporal dev server, the sandbox over HTTP, a
 * worker with the real activities, and the API on a free port that the sandbox posts webhooks to.
 */
export async function startStack(overrides: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
  // env.client shares the API's and the worker's data converter, so tests read payloads in clear.
  const dataConverter = createDataConverter(parsePayloadKeys(overrides.PAYLOAD_KEYS ?? TEST_PAYLOAD_KEYS), {
    compress: overrides.PAYLOAD_COMPRESSION !== 'off',
  });
  const apiPort = await freePort();
  // Held from now on: the dev server started below (or a parallel suite) could take the port before the API listens.
  const server: Server = createServer();
  server.listen(apiPort, '127.0.0.1');
  await once(server, 'listening');
  const uiPort = options.ui ? await freePort() : undefined;
  const env = await createTestEnv({
    dataConverter,
    uiPort,
    uiCodecEndpoint: uiPort === undefined ? undefined : `http://127.0.0.1:${apiPort}/codec`,
  });
  const sandbox = await createSandbox({ webhookBackoffBaseMs: 200 });
  const environment: Record<string, string> = {
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: `stack-${apiPort}`,
    API_PORT: String(apiPort),
    CONNECTPSP_BASE_URL: sandbox.url,
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    API_KEYS: TEST_API_KEYS_ENTRY,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    // Test callback receivers listen on 127.0.0.1.
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...(uiPort === undefined ? {} : { TEMPORAL_UI_PORT: String(uiPort) }),
    ...overrides,
  };
  const config = loadConfig(environment);
  const { tracing } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const runWorker = async (workerConfig: Config) => {
    const { client, activities, reconcileActivities } = createWorkerActivities(workerConfig, {
      logger,
      tracing,
      temporal: env.client,
    });
    const worker: Worker = await createWorker({
      connection: env.nativeConnection,
      config: workerConfig,
      activities,
      logger,
      tracing,
    });
    const reconcileWorker = await createReconcileWorker({
      connection: env.nativeConnection,
      config: workerConfig,
      activities: reconcileActivities!,
      workerDeploymentOptions: worker.options.workerDeploymentOptions,
    });
    const running = Promise.all([worker.run(), reconcileWorker.run()]);
    // As worker/main.ts does: on the fresh dev server, the first worker's version becomes current.
    await ensureCurrentVersion(
      env.client.workflowService,
      workerConfig,
      worker.options.workerDeploymentOptions?.version,
    );
    let stopped: Promise<void> | undefined;
    return {
      stop: () =>
        (stopped ??= (async () => {
          worker.shutdown();
          reconcileWorker.shutdown();
          await running;
          await client.close();
        })()),
    };
  };
  const ownWorker = await runWorker(config);
  const temporal = tracing
    ? new Client({
        connection: env.connection,
        namespace: config.TEMPORAL_NAMESPACE,
        dataConverter,
        interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] },
      })
    : env.client;
  const connectPsp = ConnectPspClient.fromConfig(config);
  server.on('request', createApp({ config, temporal, logger, connectPsp, tracing }));
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const request = async (
    base: string,
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extraHeaders },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };

  const stack: Stack = {
    config,
    env,
    apiUrl,
    sandboxUrl: sandbox.url,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    api: (method, path, body, { token = TEST_API_KEY, headers = {} } = {}) =>
      request(apiUrl, method, path, body, {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      }),
    sandbox: (method, path, body) => request(sandbox.url, method, path, body),
    startWorker: (workerOverrides) => runWorker(loadConfig({ ...environment, ...workerOverrides })),
    stopWorker: () => ownWorker.stop(),
    async waitFor(path, predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < deadline) {
        const res = await stack.api('GET', path);
        last = res.body;
        if (res.status === 200 && predicate(res.body)) return res.body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`Timed out waiting on ${path}; last answer: ${JSON.stringify(last)}`);
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await ownWorker.stop();
      await connectPsp.close();
      await sandbox.close();
      await env.teardown();
    },
  };
  return stack;
}

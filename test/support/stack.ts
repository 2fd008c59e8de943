import type { Server } from 'node:http';
import { once } from 'node:events';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { loadConfig, type Config } from '../../config/env.js';
import { freePort } from '../../scripts/ports.js';
import { createSandbox } from '../../sandbox/app.js';
import { createWorkerActivities } from '../../worker/activities.js';
import { createWorker } from '../../worker/create-worker.js';
import { createTestEnv } from './temporal.js';

export interface Stack {
  config: Config;
  env: TestWorkflowEnvironment;
  apiUrl: string;
  sandboxUrl: string;
  /** JSON request to our API. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  /** JSON request to the sandbox's test controls. */
  sandbox(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Polls GET `path` on the API until `predicate` holds. */
  waitFor(path: string, predicate: (body: any) => boolean, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

/**
 * The whole product in one test process, every part real: a Temporal dev server, the sandbox over HTTP, a
 * worker with the real activities, and the API on a free port that the sandbox posts webhooks to.
 */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const env = await createTestEnv();
  const apiPort = await freePort();
  const sandbox = await createSandbox({ webhookBackoffBaseMs: 200 });
  const config = loadConfig({
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: `stack-${apiPort}`,
    API_PORT: String(apiPort),
    CONNECTPSP_BASE_URL: sandbox.url,
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    ...overrides,
  });
  const { client, activities } = createWorkerActivities(config);
  const worker: Worker = await createWorker({ connection: env.nativeConnection, config, activities });
  const workerRun = worker.run();
  const logger = pino({ level: 'silent' });
  const server: Server = createApp({ config, temporal: env.client, logger }).listen(apiPort, '127.0.0.1');
  await once(server, 'listening');
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const request = async (base: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
    api: (method, path, body) => request(apiUrl, method, path, body),
    sandbox: (method, path, body) => request(sandbox.url, method, path, body),
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
      worker.shutdown();
      await workerRun;
      await client.close();
      await sandbox.close();
      await env.teardown();
    },
  };
  return stack;
}

import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { PaymentStatus } from '../../workflows/search-attributes.js';
import { createTestEnv, createTimeSkippingEnv } from '../support/temporal.js';
import { echo, release, sleepADay } from '../workflows/echo.js';

const workflowsPath = fileURLToPath(new URL('../workflows/echo.ts', import.meta.url));

describe('the provisioned dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  test('runs a workflow through a real worker and indexes our search attributes', async () => {
    const taskQueue = 'foundation-test';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath });
    const { value, status } = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(echo, { taskQueue, workflowId: 'echo-1', args: ['ping'] });
      await handle.signal(release, 'pong');
      const value = await handle.result();
      const description = await handle.describe();
      return { value, status: description.typedSearchAttributes.get(PaymentStatus) };
    });
    expect(value).toBe('ping:pong');
    expect(status).toBe('DONE');
  });
});

describe('the provisioned time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  test('skips a 24 hour timer', async () => {
    const taskQueue = 'foundation-time-skipping';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath });
    const started = Date.now();
    const result = await worker.runUntil(env.client.workflow.execute(sleepADay, { taskQueue, workflowId: 'sleep-1' }));
    expect(result).toBe('woke');
    expect(Date.now() - started).toBeLessThan(60 * 60 * 1000);
  });
});

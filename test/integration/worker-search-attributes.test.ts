import { spawn } from 'node:child_process';
import path from 'node:path';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { PROJECT_ROOT, resolveTemporalCli } from '../../scripts/temporal-binaries.js';
import { searchAttributeProblems } from '../../worker/search-attributes-check.js';
import { ALL_SEARCH_ATTRIBUTES, CallbackReference, PaymentPspId } from '../../workflows/search-attributes.js';
import { TEST_PAYLOAD_KEYS } from '../support/credentials.js';
import { createTestEnv } from '../support/temporal.js';

/** A namespace that missed a release's new attribute and registered another by hand with the wrong type. */
function serverMissingPspIdWithTextCallbackReference(): Promise<TestWorkflowEnvironment> {
  const misregistered = ALL_SEARCH_ATTRIBUTES.filter((key) => key !== PaymentPspId).map((key) =>
    key === CallbackReference ? defineSearchAttributeKey(key.name, SearchAttributeType.TEXT) : key,
  );
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: resolveTemporalCli().executable,
      ip: '127.0.0.1',
      searchAttributes: misregistered,
      log: { format: 'pretty', level: 'warn' },
    },
  });
}

/** worker/main.ts as deployed, against `address`: its exit code (or null if still running after the timeout). */
function runWorker(address: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'worker/main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: `search-attributes-${Date.now()}`,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      WORKER_METRICS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => {
    // A worker that passed the check goes on to bundle and poll: it would never exit by itself.
    const timeout = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timeout);
      resolve({ code, output });
    });
  });
}

test('a worker refuses to start when the namespace lacks an attribute or has one of the wrong type, naming them and the fix', async () => {
  const env = await serverMissingPspIdWithTextCallbackReference();
  try {
    const { code, output } = await runWorker(env.address);
    expect(code).toBe(1);
    expect(output).toContain(
      'search attribute PaymentPspId is not registered; run: temporal operator search-attribute create --namespace default --name PaymentPspId --type Keyword',
    );
    expect(output).toContain(
      'search attribute CallbackReference is registered as Text; run: temporal operator search-attribute remove --namespace default --name CallbackReference && temporal operator search-attribute create --namespace default --name CallbackReference --type Keyword',
    );
    // Only those two: the other attributes are registered as they should be.
    expect(output.match(/search attribute \w+ is/g)).toHaveLength(2);
    expect(output).not.toContain('worker running');
  } finally {
    await env.teardown();
  }
}, 90_000);

test('a namespace with every attribute registered, as npm start and the cluster set-up make it, has no problem', async () => {
  const env = await createTestEnv();
  try {
    expect(await searchAttributeProblems(env.connection, env.namespace ?? 'default')).toEqual([]);
  } finally {
    await env.teardown();
  }
});

import { WorkflowNotFoundError } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config/env.js';
import { createWorkerActivities } from '../../worker/activities.js';
import { createWorker } from '../../worker/create-worker.js';
import { ensureCurrentVersion } from '../../worker/versioning.js';
import { deliverCallback } from '../../workflows/callbacks/deliver-callback.js';
import { unmatchedEvent } from '../../workflows/unmatched-event.js';
import { createTestEnv } from '../support/temporal.js';

// A worker with the default configuration is versioned: it gets tasks only because it makes its own version
// current on a deployment that has none, as worker/main.ts and the test stack do.
let env: TestWorkflowEnvironment;
const running: { worker: Worker; run: Promise<void>; close: () => Promise<void> }[] = [];
const taskQueue = 'worker-versioning';
const { VersioningBehavior } = proto.temporal.api.enums.v1;
const callbackEvent = {
  id: 'callback-1:1',
  type: 'cash-in.settled',
  sequence: 1,
  occurredAt: new Date().toISOString(),
  data: { externalReference: 'versioning-1', status: 'SETTLED', reason: 'test', amountCentavos: 100 },
};

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  for (const { worker, run, close } of running) {
    worker.shutdown();
    await run;
    await close();
  }
  await env?.teardown();
});

async function startWorker(overrides: Record<string, string> = {}) {
  const config = loadConfig({
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ...overrides,
  });
  const { client, activities } = createWorkerActivities(config);
  const worker = await createWorker({ connection: env.nativeConnection, config, activities });
  running.push({ worker, run: worker.run(), close: () => client.close() });
  const version = worker.options.workerDeploymentOptions?.version;
  return { config, version, setCurrent: () => ensureCurrentVersion(env.client.workflowService, config, version) };
}

async function currentBuildId(config: Config): Promise<string | null | undefined> {
  const described = await env.client.workflowService.describeWorkerDeployment({
    namespace: config.TEMPORAL_NAMESPACE,
    deploymentName: config.TEMPORAL_WORKER_DEPLOYMENT_NAME,
  });
  return described.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId;
}

test('a worker with the default configuration makes its version current on a fresh server and gets tasks', async () => {
  const first = await startWorker();
  expect(first.version).toEqual({
    deploymentName: 'pix-agent',
    buildId: expect.stringMatching(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/),
  });
  expect(await first.setCurrent()).toBe('set');
  expect(await currentBuildId(first.config)).toBe(first.version!.buildId);

  const event = { eventType: 'test', eventAt: new Date().toISOString(), reason: 'versioning test' };
  const handle = await env.client.workflow.start(unmatchedEvent, {
    taskQueue,
    workflowId: 'unmatched-1',
    args: [event],
  });
  expect(await handle.result()).toEqual(event);
  const { raw } = await handle.describe();
  expect(raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe(first.version!.buildId);

  // Lifecycles (and callbacks) follow the current version; only workflows that end in minutes are pinned.
  const callback = await env.client.workflow.start(deliverCallback, {
    taskQueue,
    workflowId: 'callback-1',
    args: [{ url: 'http://127.0.0.1:9/unreachable', event: callbackEvent }],
  });
  const behaviorOf = async (h: typeof handle | typeof callback) =>
    (await h.describe()).raw.workflowExecutionInfo?.versioningInfo?.behavior;
  const deadline = Date.now() + 10_000;
  while (!(await behaviorOf(callback)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect({ unmatchedEvent: await behaviorOf(handle), deliverCallback: await behaviorOf(callback) }).toEqual({
    unmatchedEvent: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED,
    deliverCallback: VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE,
  });
  // The callback's loopback destination is refused, so its run may already have ended by itself.
  await callback.terminate('test done').catch((err: unknown) => {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  });

  // Another build with the default `if-none` leaves the current version alone; `always` takes over.
  const other = await startWorker({ TEMPORAL_WORKER_BUILD_ID: 'other-build' });
  expect(await other.setCurrent()).toBe('left');
  expect(await currentBuildId(first.config)).toBe(first.version!.buildId);
  const forced = await startWorker({ TEMPORAL_WORKER_BUILD_ID: 'third-build', TEMPORAL_WORKER_SET_CURRENT: 'always' });
  expect(await forced.setCurrent()).toBe('set');
  expect(await currentBuildId(first.config)).toBe('third-build');
});

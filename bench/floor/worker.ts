import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './activities.js';
import { FLOOR_TASK_QUEUE } from './shared.js';

/**
 * The floor's worker, a process of its own (so that its CPU is read apart, as our worker's is): the SDK's
 * defaults, no interceptors, no metrics, no payload codec. `FLOOR_WORKFLOW_BUNDLE_PATH` is the bundle the bench
 * built of `bench/floor/workflow.ts`.
 */
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const codePath = process.env.FLOOR_WORKFLOW_BUNDLE_PATH;
if (codePath === undefined) throw new Error('FLOOR_WORKFLOW_BUNDLE_PATH is not set');

// The SDK's own handler stops the worker on SIGTERM (the bench's stop) and run() resolves once it drained.
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: FLOOR_TASK_QUEUE,
  workflowBundle: { codePath },
  activities,
});
await worker.run();
await connection.close();

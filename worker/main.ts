import { NativeConnection, type Worker } from '@temporalio/worker';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import { createTracing } from '../observability/tracing.js';
import { createWorkerActivities } from './activities.js';
import { createWorker } from './create-worker.js';
import { installWorkerRuntime } from './runtime.js';

const config = loadConfig();
const logger = createLogger('worker', config.LOG_LEVEL);

// Installed before anything slow: a worker still connecting or bundling has nothing to drain and exits at once; a
// running one stops polling and drains, and run() below resolves.
let worker: Worker | undefined = undefined;
let stopRequested = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopRequested = true;
    if (worker === undefined) process.exit(0);
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
}

installWorkerRuntime(config, logger);
const tracing = createTracing(config, 'pix-agent-worker');

const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const { client, activities } = createWorkerActivities(config, { logger, tracing });
worker = await createWorker({ connection, config, activities, logger, tracing });
if (stopRequested) process.exit(0);
logger.info(
  {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    address: config.TEMPORAL_ADDRESS,
    metrics: config.WORKER_METRICS_PORT > 0 ? `${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}` : 'off',
    tracing: config.TRACING_EXPORTER,
    workflowBundle: config.WORKFLOW_BUNDLE_PATH ?? 'built at start',
  },
  'worker running',
);
await worker.run();
await client.close();
await connection.close();
await tracing?.shutdown();
logger.info('worker stopped');

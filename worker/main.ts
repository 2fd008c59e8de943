import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createDataConverter } from '../codec/data-converter.js';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import { createTracing } from '../observability/tracing.js';
import { createWorkerActivities } from './activities.js';
import { createWorker } from './create-worker.js';
import { ensureReconcileSchedule } from './reconcile-schedule.js';
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
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    else process.exit(0);
  });
}

installWorkerRuntime(config, logger);
const tracing = createTracing(config, 'pix-agent-worker');

const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
// The reconciliation lists, queries and signals lifecycles: it reads and writes payloads like the API does.
const temporalConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({
  connection: temporalConnection,
  namespace: config.TEMPORAL_NAMESPACE,
  dataConverter: createDataConverter(config.PAYLOAD_KEYS),
});
const { client, activities } = createWorkerActivities(config, { logger, tracing, temporal });
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
await ensureReconcileSchedule(temporal, config, logger);
await worker.run();
await client.close();
await temporalConnection.close();
await connection.close();
await tracing?.shutdown();
logger.info('worker stopped');

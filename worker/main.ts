import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createDataConverter } from '../codec/data-converter.js';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import { createTracing } from '../observability/tracing.js';
import { createWorkerActivities } from './activities.js';
import { createWorker } from './create-worker.js';
import { ensureReconcileSchedule } from './reconcile-schedule.js';
import { checkSearchAttributes } from './search-attributes-check.js';
import { createReconcileWorker } from './reconcile-worker.js';
import { ensureCurrentVersion } from './versioning.js';
import { installWorkerRuntime } from './runtime.js';

const config = loadConfig();
const logger = createLogger('worker', config.LOG_LEVEL);

// Installed before anything slow: a worker still connecting or bundling has nothing to drain and exits at once; a
// running one stops polling and drains, and run() below resolves.
let worker: Worker | undefined = undefined;
let reconcileWorker: Worker | undefined = undefined;
const STOP_DEADLINE_MS = 4000;
let stopRequested = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    stopRequested = true;
    if (worker?.getState() !== 'RUNNING') process.exit(0);
    worker.shutdown();
    if (reconcileWorker?.getState() === 'RUNNING') reconcileWorker.shutdown();
    // Draining waits for a workflow task's local activity too, which may be retrying against a slow ConnectPSP.
    // A stop ends within 5 s all the same: Temporal hands what was cut short to another worker, which makes the
    // same calls with the same idempotency keys.
    setTimeout(() => {
      logger.warn({ afterMs: STOP_DEADLINE_MS }, 'worker stopped before its tasks drained');
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
  });
}

installWorkerRuntime(config, logger);
const tracing = createTracing(config, 'pix-agent-worker');

const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
// The reconciliation lists, queries and signals lifecycles: it reads and writes payloads like the API does.
const temporalConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
if (!(await checkSearchAttributes(temporalConnection, config.TEMPORAL_NAMESPACE, logger))) process.exit(1);
const temporal = new Client({
  connection: temporalConnection,
  namespace: config.TEMPORAL_NAMESPACE,
  dataConverter: createDataConverter(config.PAYLOAD_KEYS, { compress: config.PAYLOAD_COMPRESSION }),
});
const { client, activities, reconcileActivities } = createWorkerActivities(config, { logger, tracing, temporal });
worker = await createWorker({ connection, config, activities, logger, tracing });
reconcileWorker = await createReconcileWorker({
  connection,
  config,
  activities: reconcileActivities!,
  workerDeploymentOptions: worker.options.workerDeploymentOptions,
});
if (stopRequested) process.exit(0);
logger.info(
  {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    address: config.TEMPORAL_ADDRESS,
    metrics: config.WORKER_METRICS_PORT > 0 ? `${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}` : 'off',
    tracing: config.TRACING_EXPORTER,
    workflowBundle: config.WORKFLOW_BUNDLE_PATH ?? 'built at start',
    versioning: config.TEMPORAL_WORKER_VERSIONING ? 'on' : 'off',
    ...worker.options.workerDeploymentOptions?.version,
  },
  'worker running',
);
await ensureReconcileSchedule(temporal, config, logger);
const running = Promise.all([worker.run(), reconcileWorker.run()]);
// The server learns of this version from the worker's first polls; only then can it be made current.
await ensureCurrentVersion(
  temporal.workflowService,
  config,
  worker.options.workerDeploymentOptions?.version,
  logger,
).catch((err: unknown) => {
  logger.error({ err }, 'could not make this worker version current; set it with `temporal worker deployment`');
});
await running;
await client.close();
await temporalConnection.close();
await connection.close();
await tracing?.shutdown();
logger.info('worker stopped');

import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import { createWorkerActivities } from './activities.js';
import { createWorker } from './create-worker.js';

const config = loadConfig();
const logger = createLogger('worker', config.LOG_LEVEL);

const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const { client, activities } = createWorkerActivities(config);
const worker = await createWorker({ connection, config, activities });
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker running');
// The SDK stops polling and drains on SIGINT/SIGTERM by itself; run() resolves once drained.
await worker.run();
await client.close();
await connection.close();
logger.info('worker stopped');

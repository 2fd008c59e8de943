import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import { createApp } from './app.js';

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);

const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const server = createApp({ config, temporal, logger }).listen(config.API_PORT, config.API_HOST);
await once(server, 'listening');
logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'API listening');

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'API shutting down');
  server.close();
  server.closeIdleConnections();
  await connection.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

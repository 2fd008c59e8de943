import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { createDataConverter } from '../codec/data-converter.js';
import { loadConfig } from '../config/env.js';
import { ConnectPspClient } from '../connectpsp/client.js';
import { createLogger } from '../observability/logger.js';
import { createTracing } from '../observability/tracing.js';
import { createApp } from './app.js';

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);

// Until the API listens there is nothing to finish: a signal during start-up exits at once. Ctrl-C reaches it twice
// under npm start (the terminal's SIGINT, then the launcher's SIGTERM): it shuts down once.
let shutdown = (): void => process.exit(0);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    if (!stopping) shutdown();
    stopping = true;
  });
}

const tracing = createTracing(config, 'pix-agent-api');

const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  // Payloads (names, documents, PIX keys) reach Temporal encrypted; the worker shares the keys.
  dataConverter: createDataConverter(config.PAYLOAD_KEYS, { compress: config.PAYLOAD_COMPRESSION }),
  // Trace context travels to the workflow in Temporal headers; without tracing no interceptor runs at all.
  interceptors: tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] } : {},
});
const connectPsp = ConnectPspClient.fromConfig(config);
const server = createApp({ config, temporal, logger, connectPsp, tracing }).listen(config.API_PORT, config.API_HOST);
await once(server, 'listening');
logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'API listening');

shutdown = () => {
  logger.info('API shutting down');
  server.close();
  server.closeIdleConnections();
  void (async () => {
    await connection.close();
    await connectPsp.close();
    await tracing?.shutdown();
    process.exit(0);
  })();
};

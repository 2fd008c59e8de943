import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/env.js';
import { Cluster } from './cluster/stack.js';
import { temporalPorts } from './cluster/temporal.js';
import { apiKeyBannerLine, ensureLocalSecrets } from './local-secrets.js';
import { assertPortsFree, type NamedPort } from './ports.js';
import { PROJECT_ROOT } from './temporal-binaries.js';

/**
 * `npm run cluster`: the deployment shape on one machine, in the foreground like `npm start`. PostgreSQL under
 * DATA_DIR, the official Temporal server as four processes and its UI server, two workers and two API replicas
 * (API_PORT and the next port; WORKER_METRICS_PORT and the next), the sandbox when no real ConnectPSP is set.
 */
const REPLICAS = 2;
const config = loadConfig();
const frontendPort = Number(config.TEMPORAL_ADDRESS.split(':').pop());
const dataDir = path.resolve(PROJECT_ROOT, config.DATA_DIR);
const apiPorts = Array.from({ length: REPLICAS }, (_, i) => config.API_PORT + i);
const metricsPorts = Array.from({ length: REPLICAS }, (_, i) =>
  config.WORKER_METRICS_PORT > 0 ? config.WORKER_METRICS_PORT + i : 0,
);
const apiUrl = `http://127.0.0.1:${config.API_PORT}`;
const uiUrl = `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`;

const ports: NamedPort[] = [
  { port: config.POSTGRES_PORT, name: 'PostgreSQL (POSTGRES_PORT)' },
  ...Object.entries(temporalPorts(frontendPort)).map(([name, port]) => ({
    port,
    name: `the Temporal ${name.toLowerCase().replace(/_/g, ' ')} (from TEMPORAL_ADDRESS)`,
  })),
  { port: config.TEMPORAL_UI_PORT, name: 'the Temporal UI server (TEMPORAL_UI_PORT)' },
  ...apiPorts.map((port, i) => ({ port, name: `API replica ${i + 1} (API_PORT${i ? ` + ${i}` : ''})` })),
  ...metricsPorts
    .filter((port) => port > 0)
    .map((port, i) => ({ port, name: `worker ${i + 1}'s metrics (WORKER_METRICS_PORT${i ? ` + ${i}` : ''})` })),
];
if (config.useSandbox) ports.push({ port: config.SANDBOX_PORT, name: 'the ConnectPSP sandbox (SANDBOX_PORT)' });
try {
  await assertPortsFree(ports);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const secrets = ensureLocalSecrets(config, dataDir);
if (secrets.newApiKey) {
  console.log(`Created the API key (all scopes) in ${secrets.apiKeyFile}, mode 0600:\n  ${secrets.newApiKey}`);
}

let cluster: Cluster | undefined;
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nStopping ...');
    await cluster?.stop();
    console.log('Stopped.');
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  cluster = await Cluster.start({
    dataDir,
    frontendPort,
    uiPort: config.TEMPORAL_UI_PORT,
    postgresPort: config.POSTGRES_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    apiPorts,
    workerMetricsPorts: metricsPorts,
    sandbox: config.useSandbox ? { port: config.SANDBOX_PORT } : undefined,
    // Every replica tells ConnectPSP the same webhook URL: the first API, or PUBLIC_BASE_URL (a load balancer).
    appEnv: { PUBLIC_BASE_URL: config.publicBaseUrl, ...secrets.env },
    codecEndpoint: `${apiUrl}/codec`,
  });
} catch (err) {
  console.error((err as Error).message);
  await stop(1);
}
cluster!.onUnexpectedExit((part, code) => {
  console.error(`${part} exited unexpectedly (code ${code}); stopping everything.`);
  void stop(1);
});

const list = (urls: string[]) => urls.join('   ');
console.log(`
PIX agent is up (cluster shape).
  API            ${list(apiPorts.map((p) => `http://127.0.0.1:${p}`))}   (docs: ${apiUrl}/docs, readiness: /readyz)
  Temporal UI    ${uiUrl}
  Worker metrics ${metricsPorts[0] ? list(metricsPorts.map((p) => `http://${config.WORKER_METRICS_HOST}:${p}/metrics`)) : 'off'}
  Demo           npm run demo   (in another terminal)
  Temporal       ${config.TEMPORAL_ADDRESS}   namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}
                 history, matching, frontend and worker services on PostgreSQL 127.0.0.1:${config.POSTGRES_PORT}
  ConnectPSP     ${config.connectPspBaseUrl}${config.useSandbox ? '   (local sandbox)' : ''}   webhooks to ${config.publicBaseUrl}
  Data           ${dataDir}
${apiKeyBannerLine(secrets)}Press Ctrl-C to stop.`);

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/env.js';
import { PIX_PAYMENTS_ENDPOINT } from '../nexus/pix-payments-service.js';
import { spawnDevServer, stopLeftoverDevServer, type DevServerProcess } from './dev-server-process.js';
import { devServerRecordFile } from './dev-server-record.js';
import { ensureNexusEndpoint } from './nexus-endpoint.js';
import { apiKeyBannerLine, ensureLocalSecrets } from './local-secrets.js';
import { assertPortsFree, type NamedPort } from './ports.js';
import { ChildProcessGroup } from './process-group.js';
import { sandboxWalletBanner } from './sandbox-wallet-banner.js';
import { PROJECT_ROOT } from './temporal-binaries.js';

/**
 * `npm start` (through `start.ts`): the whole stack on one machine. The Temporal dev server (SQLite under .data/, Web UI),
 * the sandbox when no real ConnectPSP is configured (its state under .data/sandbox/), the worker and the API, each
 * its own process. `npm start -- --reset` first deletes both states (not the local secrets).
 */
const { values: flags } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });
const config = loadConfig();

// Installed first, so a signal at any moment, start-up included, stops what is running: the API and the worker
// first (the worker drains), then the sandbox (it writes out its state), then Temporal. Nothing more starts after.
// SIGHUP too: a closed terminal stops the stack like Ctrl-C. A launcher that dies without stopping (SIGKILL) leaves
// nothing either: each part notices and stops (`run-with-launcher.ts`, `dev-server-supervisor.ts`).
const children = new ChildProcessGroup(PROJECT_ROOT);
let temporal: DevServerProcess | undefined;
let stopping: Promise<void> | undefined;
function stop(code: number, signal?: NodeJS.Signals): void {
  stopping ??= (async () => {
    console.log('\nStopping ...');
    await children.stop(['api', 'worker']);
    await children.stop();
    await temporal?.stop();
    console.log('Stopped.');
    if (signal === 'SIGHUP') {
      // The terminal is gone: end by its signal, unhandled now. Node 20's exit would first reset that terminal's
      // mode and abort when it cannot (nodejs/node#51519; an unhandled SIGHUP skips the reset).
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code);
  })();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal); // start.ts's, for the time the modules were loading
  process.on(signal, () => stop(0, signal));
}
// Whoever read our output may be gone (a closed terminal, a harness that exited with npm): a failed write (EPIPE, EIO)
// must not end the launcher halfway through stopping, with Temporal still up.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
children.onUnexpectedExit((name, code) => {
  console.error(`${name} exited unexpectedly (code ${code}); stopping everything.`);
  stop(1);
});
const temporalPort = Number(config.TEMPORAL_ADDRESS.split(':').pop());
const dataDir = path.resolve(PROJECT_ROOT, config.DATA_DIR);
const temporalDb = path.join(dataDir, 'temporal.db');
const sandboxStateDir = path.resolve(PROJECT_ROOT, config.SANDBOX_STATE_DIR ?? path.join(dataDir, 'sandbox'));
const apiUrl = `http://127.0.0.1:${config.API_PORT}`;
const uiUrl = `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`;

const ports: NamedPort[] = [
  { port: temporalPort, name: 'the Temporal dev server (TEMPORAL_ADDRESS)' },
  { port: config.TEMPORAL_UI_PORT, name: 'the Temporal Web UI (TEMPORAL_UI_PORT)' },
  { port: config.API_PORT, name: 'the API (API_PORT)' },
];
if (config.useSandbox) ports.push({ port: config.SANDBOX_PORT, name: 'the ConnectPSP sandbox (SANDBOX_PORT)' });
if (config.WORKER_METRICS_PORT > 0) {
  ports.push({ port: config.WORKER_METRICS_PORT, name: 'the worker metrics (WORKER_METRICS_PORT)' });
}

const temporalRecordFile = devServerRecordFile(dataDir);
try {
  await stopLeftoverDevServer(temporalRecordFile, (line) => console.log(line));
  await assertPortsFree(ports);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

if (flags.reset) {
  // The API key and payload key stay: scripts holding the key keep working, and nothing encrypted is left to read.
  for (const file of [temporalDb, `${temporalDb}-wal`, `${temporalDb}-shm`, sandboxStateDir]) {
    rmSync(file, { recursive: true, force: true });
  }
  console.log(`Reset: deleted Temporal's database and the sandbox's state in ${dataDir} (secrets kept).`);
}
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const secrets = ensureLocalSecrets(config, dataDir);
if (secrets.newApiKey) {
  // Printed this once, as soon as it exists: even if the start fails later, the key was seen.
  console.log(`Created the API key (all scopes) in ${secrets.apiKeyFile}, mode 0600:\n  ${secrets.newApiKey}`);
}
console.log('Starting the Temporal dev server ...');
try {
  temporal = spawnDevServer(
    {
      port: temporalPort,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFilename: temporalDb,
      recordFile: temporalRecordFile,
      namespace: config.TEMPORAL_NAMESPACE,
      // The Web UI asks our API to decrypt payloads; it answers only callers holding payloads:decode.
      uiCodecEndpoint: `${apiUrl}/codec`,
    },
    (line) => console.log(`[temporal] ${line}`),
  );
  await temporal.ready;
  // The `pix-payments` Nexus endpoint, for caller workflows in other namespaces (docs/NEXUS.md).
  const operator = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  try {
    await ensureNexusEndpoint(operator, {
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
    });
  } finally {
    await operator.close();
  }

  const childEnv = {
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    // The embedded Web UI has no login: let it read payments with personal data masked (loopback only).
    CODEC_ANONYMOUS_REDACTED: process.env.CODEC_ANONYMOUS_REDACTED ?? String(config.NODE_ENV !== 'production'),
    // .data/ keeps the last start's deployment version current; the code started now is the one to run.
    TEMPORAL_WORKER_SET_CURRENT: process.env.TEMPORAL_WORKER_SET_CURRENT ?? 'always',
    ...secrets.env,
  };
  if (config.useSandbox) {
    children.start('sandbox', 'sandbox/main.ts', { ...childEnv, SANDBOX_STATE_DIR: sandboxStateDir });
    await children.waitForHttp('sandbox', `${config.connectPspBaseUrl}/_sandbox/transactions`);
  }
  children.start('worker', 'worker/main.ts', childEnv);
  children.start('api', 'api/main.ts', childEnv);
  await children.waitForHttp('api', `${apiUrl}/healthz`);
} catch (err) {
  // Stopping already (a signal during start-up) is no failure; anything else stops what did start.
  if (stopping === undefined) {
    console.error(`Cannot start: ${(err as Error).message}`);
    stop(1);
  }
  await stopping;
}

const walletLines = config.useSandbox ? await sandboxWalletBanner(config.connectPspBaseUrl) : '';
console.log(`
PIX agent is up.
  API            ${apiUrl}   (docs: ${apiUrl}/docs, readiness: ${apiUrl}/readyz, metrics: ${apiUrl}/metrics)
  Temporal UI    ${uiUrl}
  Worker metrics ${config.WORKER_METRICS_PORT > 0 ? `http://${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}/metrics` : 'off'}
  Demo           npm run demo   (in another terminal)
  Temporal       127.0.0.1:${temporalPort}   namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}
  Nexus          endpoint ${PIX_PAYMENTS_ENDPOINT}   (caller example: npx tsx examples/nexus-caller/main.ts)
  ConnectPSP     ${config.connectPspBaseUrl}${config.useSandbox ? '   (local sandbox)' : ''}
${walletLines}  Data           ${dataDir}
${apiKeyBannerLine(secrets)}Press Ctrl-C to stop.`);

import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { SANDBOX_CREDENTIALS } from '../config/env.js';
import { dynamicBrCode } from '../sandbox/br-code.js';
import { qrCodePng } from '../sandbox/qr-png.js';

/**
 * `POST /cash-in` throughput of the sandbox (target: ≥ 2,000 requests/s on one core). The sandbox runs standalone
 * (`sandbox/main.ts`) in its own process pinned to CPU 0 (Linux, 2+ cores), and the load generator in this process
 * is pinned to CPU 1. Its state is journalled to a temporary directory, as under `npm start`. Run: `npx tsx bench/sandbox-throughput.ts [durationSeconds] [connections]`.
 */

interface AutocannonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  method: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: Array<{ setupRequest: (request: AutocannonRequest) => AutocannonRequest }>;
}) => Promise<AutocannonResult>;

// autocannon ships no type declarations; the slice used here is typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const durationSeconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 32);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function qrCostMs(): { brCode: number; png: number } {
  const runs = 500;
  let started = performance.now();
  const codes = Array.from({ length: runs }, (_, i) => dynamicBrCode(`bench${String(i).padStart(30, '0')}`));
  const brCode = (performance.now() - started) / runs;
  for (const code of codes) qrCodePng(code); // warm-up, so the figure is the steady-state cost
  started = performance.now();
  for (const code of codes) qrCodePng(code);
  return { brCode: Number(brCode.toFixed(3)), png: Number(((performance.now() - started) / runs).toFixed(3)) };
}

const port = await freePort();
const pinned = process.platform === 'linux' && availableParallelism() > 1;
// The load generator stays off the sandbox's core, so the sandbox has one whole core to itself.
if (pinned) spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
const nodeArgs = ['--import', 'tsx', 'sandbox/main.ts'];
const stateDir = mkdtempSync(path.join(tmpdir(), 'bench-sandbox-'));
const child = spawn(
  pinned ? 'taskset' : process.execPath,
  pinned ? ['-c', '0', process.execPath, ...nodeArgs] : nodeArgs,
  {
    env: {
      ...process.env,
      SANDBOX_PORT: String(port),
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_AUTO_PAY_MS: '',
      SANDBOX_STATE_DIR: stateDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
try {
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${String(code)}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const token = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ clientId: SANDBOX_CREDENTIALS.clientId, clientSecret: SANDBOX_CREDENTIALS.clientSecret }),
  });
  const { accessToken } = (await token.json()) as { accessToken: string };

  const result = await autocannon({
    url: `${url}/cash-in`,
    method: 'POST',
    connections,
    duration: durationSeconds,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${accessToken}`,
      ApplicationToken: SANDBOX_CREDENTIALS.applicationToken,
    },
    requests: [
      {
        // A new externalReference and idempotency key per request, as a real client sends them.
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, 'X-Idempotency-Key': randomUUID() },
          body: JSON.stringify({
            amount: 150.5,
            externalReference: `bench-${randomUUID()}`,
            payer: { name: 'Bench Payer', document: '12345678909' },
          }),
        }),
      },
    ],
  });

  const failed = result.non2xx + result.errors + result.timeouts;
  console.log(
    JSON.stringify(
      {
        endpoint: 'POST /cash-in',
        sandboxPinnedToOneCore: pinned,
        durationSeconds,
        connections,
        requests: result.requests.total,
        requestsPerSecond: Math.round(result.requests.average),
        latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
        failed,
        qrCostMsPerCashIn: qrCostMs(),
        target: 2000,
        meetsTarget: result.requests.average >= 2000 && failed === 0,
      },
      null,
      2,
    ),
  );
} finally {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(stateDir, { recursive: true, force: true });
}

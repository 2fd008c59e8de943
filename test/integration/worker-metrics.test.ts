import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../scripts/ports.js';
import { TEST_PAYLOAD_KEYS } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let worker: ChildProcess | undefined;
const output: string[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  worker?.kill('SIGTERM');
  if (worker && worker.exitCode === null) await new Promise((r) => worker!.once('exit', r));
  await stack?.stop();
});

test('the worker process serves the Temporal SDK metrics for Prometheus on its configured port', async () => {
  const port = await freePort();
  worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE: `metrics-${port}`,
      CONNECTPSP_BASE_URL: stack.sandboxUrl,
      WORKER_METRICS_PORT: String(port),
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout?.on('data', (chunk) => output.push(String(chunk)));
  worker.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const deadline = Date.now() + 60_000;
  let text = '';
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
    text = res?.ok ? await res.text() : '';
    // The runtime serves metrics before the worker has logged that it runs: wait for both.
    const running = output.join('').includes('"msg":"worker running"');
    if (running && /temporal_worker_start|temporal_num_pollers|temporal_request/.test(text)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // On failure the worker's own output says why it is not serving.
  if (!/^temporal_(worker_start|num_pollers|request)\b/m.test(text)) {
    throw new Error(`no SDK metrics served; worker output:\n${output.join('').slice(-1500)}`);
  }
  expect(text).toMatch(/^temporal_request\{/m);
  // Its logs are JSON lines from pino, the SDK's own included.
  const lines = output
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'));
  expect(lines.map((l) => JSON.parse(l).msg)).toContain('worker running');
}, 90_000);

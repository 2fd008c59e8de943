import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/ports.js';
import { PROJECT_ROOT } from '../../scripts/temporal-binaries.js';

/** Processes still alive in a process group, or whose command line names `text` (the dev server has its own group). */
function survivors(pgid: number, text: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).stdout;
  return (
    ps
      .split('\n')
      .filter((line) => {
        const [, group] = line.trim().split(/\s+/);
        return Number(group) === pgid || line.includes(text);
      })
      // A zombie is no longer running; this machine's init may be slow to reap those of exited parents.
      .filter((line) => !line.includes('ps -eo') && !line.includes('<defunct>'))
  );
}

async function startStack(dataDir: string) {
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    API_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    SANDBOX_PORT: String(await freePort()),
    WORKER_METRICS_PORT: '0',
  };
  // Its own process group, as a terminal gives it, so what it leaves behind can be listed.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/start.ts')], {
    cwd: PROJECT_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, output: () => output };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start (scripts/start.ts) stopped with SIGTERM', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'start-shutdown-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test.each([
    // Before this line Node is still loading tsx and our modules: nothing has started, the signal ends it as is.
    ['while the Temporal dev server starts', 'Starting the Temporal dev server', 300],
    ['while the worker is bundling its workflows', 'ConnectPSP sandbox listening', 300],
    ['once the stack is up', 'PIX agent is up', 0],
  ])('%s: every process exits on its own, with code 0, and nothing is left', async (moment, marker, delayMs) => {
    const stack = await startStack(dataDir);
    const pgid = stack.child.pid ?? 0;
    await waitFor(() => stack.output().includes(marker), marker);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const signalled = Date.now();
    stack.child.kill('SIGTERM');
    const code = await stack.exit;
    console.log(`stopped in ${Date.now() - signalled} ms (${moment})`);
    expect(code).toBe(0);
    expect(stack.output()).not.toMatch(/SIGKILL/);
    expect(stack.output()).toContain('Stopped.');
    expect(survivors(pgid, dataDir)).toEqual([]);
  });
});

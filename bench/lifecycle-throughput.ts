import { apiCreate, awaitSettled, newExternalReference, paidEvent, rawCreate, rawSignal } from './cash-in-drivers.js';
import { runFloorLifecycle } from './floor/drive.js';
import { closedLoop, CpuMeter, interleave, round } from './measure.js';
import type { BenchStack } from './stack.js';

export interface LifecycleOptions {
  /** Lifecycles per round. */
  perRound: number;
  /** Lifecycles in flight at once. */
  concurrency: number;
  /** Rounds per path, alternated (API, raw, floor; floor, raw, API; …). */
  rounds: number;
}

interface Round {
  lifecycles: number;
  seconds: number;
  cpuSeconds: Record<string, number>;
}

/**
 * Complete cash-ins per second. API: `POST /v1/cash-ins` → the sandbox pays at once → webhook → signal → SETTLED.
 * Raw: the real `cashIn` workflow on the baseline worker, update-with-start then `signal()` straight from the
 * client. Floor: the smallest workflow of the same shape (`bench/floor/`) on its own worker, driven the same way.
 * All wait for the workflow result, so a lifecycle counts only once its run completed in Temporal.
 */
export async function lifecycleThroughput(stack: BenchStack, options: LifecycleOptions) {
  const { client, floorClient, pids } = stack;
  const apiLifecycle = async () => {
    const ref = newExternalReference('life-api');
    await apiCreate(stack, ref);
    await awaitSettled(client, ref);
  };
  const rawLifecycle = async () => {
    const ref = newExternalReference('life-raw');
    const view = await rawCreate(client, ref);
    await rawSignal(client, ref, paidEvent(view));
    await awaitSettled(client, ref);
  };
  const floorLifecycle = async () => {
    await runFloorLifecycle(floorClient, newExternalReference('life-floor'));
  };
  const measure = async (lifecycle: () => Promise<void>, processes: Record<string, number>): Promise<Round> => {
    const cpu = new CpuMeter(processes);
    const started = performance.now();
    await closedLoop(options.perRound, options.concurrency, lifecycle);
    return { lifecycles: options.perRound, seconds: (performance.now() - started) / 1000, cpuSeconds: cpu.elapsed() };
  };
  // Warm both paths (JIT, connection pools, token caches, workflow cache) before anything counts.
  await closedLoop(Math.min(options.perRound, 20), options.concurrency, apiLifecycle);
  await closedLoop(Math.min(options.perRound, 20), options.concurrency, rawLifecycle);
  await closedLoop(Math.min(options.perRound, 20), options.concurrency, floorLifecycle);

  const apiProcesses = { temporal: pids.temporal, api: pids.api, worker: pids.worker, sandbox: pids.sandbox };
  const rawProcesses = { temporal: pids.temporal, worker: pids.rawWorker, sandbox: pids.rawSandbox };
  const floorProcesses = { temporal: pids.temporal, worker: pids.floorWorker };
  const [a = [], b = [], c = []] = await interleave(options.rounds, [
    () => measure(apiLifecycle, apiProcesses),
    () => measure(rawLifecycle, rawProcesses),
    () => measure(floorLifecycle, floorProcesses),
  ]);
  const api = totals(a);
  const raw = totals(b);
  const floor = totals(c);
  return {
    perRound: options.perRound,
    concurrency: options.concurrency,
    rounds: options.rounds,
    api,
    raw,
    floor,
    ratio: round(api.lifecyclesPerSecond / raw.lifecyclesPerSecond, 3),
    /**
     * Each path ÷ the floor: how far above raw Temporal's cost for this shape a cash-in runs, through the API
     * (ours) and with the `cashIn` workflow alone (raw).
     */
    ratioToFloor: { api: toFloor(api, floor), raw: toFloor(raw, floor) },
    roundsPerSecond: { api: a.map(rate), raw: b.map(rate), floor: c.map(rate) },
  };
}

const rate = (r: Round) => round(r.lifecycles / r.seconds, 1);

const toFloor = (path: ReturnType<typeof totals>, floor: ReturnType<typeof totals>) => ({
  lifecyclesPerSecond: round(path.lifecyclesPerSecond / floor.lifecyclesPerSecond, 3),
  cpuMsPerLifecycle: round(path.cpuMsPerLifecycle.total / floor.cpuMsPerLifecycle.total, 2),
});

function totals(rounds: Round[]) {
  const lifecycles = rounds.reduce((sum, r) => sum + r.lifecycles, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const cpu: Record<string, number> = {};
  for (const r of rounds) for (const [name, s] of Object.entries(r.cpuSeconds)) cpu[name] = (cpu[name] ?? 0) + s;
  const perLifecycle = Object.fromEntries(
    Object.entries(cpu).map(([name, s]) => [name, round((s / lifecycles) * 1000, 2)]),
  );
  const total = Object.values(cpu).reduce((sum, s) => sum + s, 0);
  return {
    lifecycles,
    seconds: round(seconds, 2),
    lifecyclesPerSecond: round(lifecycles / seconds, 1),
    /** CPU milliseconds per lifecycle, by process (the bench process drives the load and waits for results). */
    cpuMsPerLifecycle: { ...perLifecycle, total: round((total / lifecycles) * 1000, 2) },
  };
}

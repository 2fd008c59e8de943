import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import type { CashInView } from '../workflows/cash-in/types.js';
import { newExternalReference, rawCreate } from './cash-in-drivers.js';
import { closedLoop, round, rssBytes } from './measure.js';
import type { BenchStack } from './stack.js';

const MiB = 1024 * 1024;

/**
 * The SDK's default workflow cache size for a worker with V8 context reuse, computed as `@temporalio/worker` does
 * (1.24, worker-options.js): beyond it, parked workflows are evicted and cost no worker memory until their next
 * task replays them. The worker runs the same Node binary with the same flags as this process.
 */
export function defaultMaxCachedWorkflows(): number {
  const heapSizeMiB = v8.getHeapStatistics().heap_size_limit / MiB;
  return Math.max(Math.floor((Math.max(heapSizeMiB - 200, 0) * 600) / 1024), 10);
}

/**
 * Worker memory per cash-in parked in AWAITING_PAYMENT: `count` cash-ins created on the baseline worker (its
 * sandbox never pays), the worker's resident set read before and after, once it has settled. The real worker code
 * runs there, with the same bundle and options as the API's worker. Returns the parked views for later figures.
 */
export async function parkedMemory(stack: BenchStack, count: number, concurrency: number) {
  const pid = stack.pids.rawWorker;
  await sleep(2000);
  const before = rssBytes(pid);
  const views: CashInView[] = [];
  const started = performance.now();
  await closedLoop(count, concurrency, async () => {
    views.push(await rawCreate(stack.client, newExternalReference('parked')));
  });
  const parkSeconds = (performance.now() - started) / 1000;
  const right = rssBytes(pid);
  await sleep(3000);
  const after = rssBytes(pid);
  const cache = defaultMaxCachedWorkflows();
  const grown = after - before;
  return {
    parked: count,
    parkedPerSecond: round(count / parkSeconds, 1),
    workerRssMiB: { before: round(before / MiB, 1), rightAfter: round(right / MiB, 1), settled: round(after / MiB, 1) },
    maxCachedWorkflows: cache,
    cachedWorkflows: Math.min(count, cache),
    mibPerParkedCashIn: round(grown / MiB / count, 4),
    /** The same growth over the workflows the cache can hold: the cost of one cached (sticky) workflow. */
    mibPerCachedCashIn: round(grown / MiB / Math.min(count, cache), 4),
    target: { mibPerParkedCashIn: 0.5 },
    views,
  };
}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { PROJECT_ROOT, TEMPORAL_CLI_VERSION } from '../scripts/temporal-binaries.js';
import { runClusterBench } from './cluster.js';
import { runReconcileBench } from './reconcile.js';
import { createLatency } from './create-latency.js';
import { lifecycleThroughput } from './lifecycle-throughput.js';
import { untilQuiet } from './measure.js';
import { parkedMemory } from './parked-memory.js';
import { sandboxHeadroom } from './sandbox-headroom.js';
import { BENCH_REFUND_WINDOW_MINUTES, startBenchStack } from './stack.js';
import { temporalCost } from './temporal-cost.js';
import { createsRetried } from './cash-in-drivers.js';
import { startPayoutSample } from './payout-cost.js';
import { webhookAck, webhookAckNeeds } from './webhook-ack.js';

/**
 * `npm run bench`: every figure of PRODUCT.md §6 against its baseline, in one run on the embedded stack, A and B
 * rounds alternated. Writes `bench/results/<date>-<profile>.json` (or `--out`) and prints the table that
 * docs/PERFORMANCE.md keeps. `--quick` runs tiny sizes, to check that the harness works (the smoke test).
 */
// The cluster-against-dev-server figures are a run of their own (bench/cluster.ts), so is the reconciliation's.
if (process.argv.includes('--cluster')) {
  await runClusterBench(process.argv.slice(2).filter((arg) => arg !== '--cluster'));
  process.exit(0);
}
if (process.argv.includes('--reconcile')) {
  await runReconcileBench(process.argv.slice(2).filter((arg) => arg !== '--reconcile'));
  process.exit(0);
}
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    parked: { type: 'string' },
    lifecycles: { type: 'string' },
    concurrency: { type: 'string' },
  },
});

const PROFILES = {
  full: {
    lifecycle: { perRound: 300, concurrency: 32, rounds: 4 },
    create: { perRound: 200, rounds: 4, concurrency: 1 },
    parked: { count: 5000, concurrency: 32 },
    // The target's rate, then one the stack sustains on this machine (a saturated rate measures queueing).
    webhook: [
      { perSecond: 100, perRound: 300, rounds: 4 },
      { perSecond: 25, perRound: 100, rounds: 4 },
    ],
    sandbox: { durationSeconds: 10, connections: 32 },
    payouts: { count: 5 },
  },
  quick: {
    lifecycle: { perRound: 5, concurrency: 4, rounds: 2 },
    create: { perRound: 5, rounds: 2, concurrency: 1 },
    parked: { count: 60, concurrency: 8 },
    webhook: [{ perSecond: 20, perRound: 5, rounds: 2 }],
    sandbox: { durationSeconds: 1, connections: 4 },
    payouts: { count: 2 },
  },
};
const profileName = values.quick ? 'quick' : 'full';
const profile = structuredClone(PROFILES[profileName]);
if (values.parked) profile.parked.count = Number(values.parked);
// Every webhook acknowledgement goes to a parked cash-in of its own.
profile.parked.count = Math.max(
  profile.parked.count,
  profile.webhook.reduce((sum, w) => sum + webhookAckNeeds(w), 0),
);
if (values.lifecycles) profile.lifecycle.perRound = Number(values.lifecycles);
if (values.concurrency) profile.lifecycle.concurrency = Number(values.concurrency);

const require = createRequire(import.meta.url);
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
const loadAverage = () => os.loadavg().map((n) => Number(n.toFixed(2)));
const log = (line: string) => console.error(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}`);

const startedAt = new Date();
const load: Record<string, number[]> = { start: loadAverage() };
log(`profile ${profileName}; starting the stack`);
const stack = await startBenchStack();
// Interrupted (Ctrl-C, a test's timeout): stop every process this run started before exiting.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stack.stop().finally(() => process.exit(130)));
}
const figures: Record<string, unknown> = {};
// Each figure starts once the stack is idle again: a figure must not measure the tail of the one before it.
const quietBefore: Record<string, unknown> = {};
const whenQuiet = async (figure: string) => {
  quietBefore[figure] = await untilQuiet(stack.pids, { timeoutMs: 20_000 });
  log(figure);
};
try {
  await whenQuiet('temporal cost');
  figures.temporalCost = await temporalCost(stack);
  // The create first, on a fresh stack, one in flight: what a service waiting for its QR code sees.
  await whenQuiet('create latency');
  figures.createLatency = await createLatency(stack, profile.create);
  // A completed payout's run stays open for its return window (1 minute here): the sample starts now and is read
  // closed at the end. Its runs complete during the throughput figure (a timer, a local activity and a completion
  // each, against thousands of lifecycles), or during the quick profile's later figures.
  await whenQuiet(`${profile.payouts.count} payouts`);
  const payouts = await startPayoutSample(stack, profile.payouts.count);
  await whenQuiet('lifecycle throughput');
  figures.lifecycle = await lifecycleThroughput(stack, profile.lifecycle);
  load.afterLifecycle = loadAverage();
  await whenQuiet(`parking ${profile.parked.count} cash-ins`);
  const { views, ...memory } = await parkedMemory(stack, profile.parked.count, profile.parked.concurrency);
  figures.parkedMemory = memory;
  // Parking at full speed leaves the dev server with a backlog (transfer and visibility tasks): the
  // acknowledgements must measure the receiver, not the tail of the parking.
  await whenQuiet('webhook ack');
  const acks = [];
  let used = 0;
  for (const options of profile.webhook) {
    acks.push(await webhookAck(stack, views.slice(used, (used += webhookAckNeeds(options))), options));
  }
  figures.webhookAck = acks;
  load.afterWebhooks = loadAverage();
  log('payouts: waiting for their runs to complete');
  figures.payoutCost = { open: payouts.open, closed: await payouts.closed() };
  figures.quietBefore = quietBefore;
} finally {
  await stack.stop();
}
log('sandbox headroom');
figures.sandboxHeadroom = await sandboxHeadroom(profile.sandbox.durationSeconds, profile.sandbox.connections);
load.end = loadAverage();

const cpus = os.cpus();
const results = {
  startedAt: startedAt.toISOString(),
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  profile: profileName,
  sizes: profile,
  /** API creates that answered 503 past their budget and were sent again (a stall of the machine shows here). */
  createsRetried,
  machine: {
    cpuModel: cpus[0]?.model,
    cores: cpus.length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()}`,
    loadAverage1m5m15m: load,
    note: 'shared machine: other engineers run tests on it concurrently; see the load averages',
  },
  versions: {
    node: process.versions.node,
    temporalCli: TEMPORAL_CLI_VERSION,
    temporalSdk: version('@temporalio/worker'),
    express: version('express'),
  },
  stack: {
    devServerFlags: stack.devServerFlags,
    processes:
      'dev server, sandbox (auto-pay 0 ms), worker, API; baseline worker and baseline sandbox (no auto-pay); ' +
      'floor worker (bench/floor/, SDK defaults, no codec), on its own task queue',
    cashOutRefundWindowMinutes: BENCH_REFUND_WINDOW_MINUTES,
    workflowBundle: 'prebuilt once, loaded by both workers (WORKFLOW_BUNDLE_PATH)',
    workerOptions: 'SDK defaults (no tuning in worker/create-worker.ts)',
    childLogLevel: 'warn',
    apiRateLimitPerSecond: 1_000_000,
  },
  figures,
};

const out =
  values.out ??
  path.join(PROJECT_ROOT, 'bench', 'results', `${startedAt.toISOString().slice(0, 10)}-${profileName}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
const printed = table(results.figures as any);
console.log(printed);
log(`results in ${path.relative(process.cwd(), out)}`);
// A full run to the default place is the recorded one: docs/PERFORMANCE.md gets its table between the markers.
if (profileName === 'full' && values.out === undefined) {
  const docs = path.join(PROJECT_ROOT, 'docs', 'PERFORMANCE.md');
  const [start, end] = ['<!-- bench:latest:start -->', '<!-- bench:latest:end -->'];
  const page = readFileSync(docs, 'utf8');
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from >= 0 && to > from) {
    const header = `\`${path.relative(PROJECT_ROOT, out)}\`, ${results.startedAt}, ${results.durationSeconds} s, load average ${JSON.stringify(load)}.`;
    const updated = `${page.slice(0, from + start.length)}\n\n${header}\n\n${printed}\n\n${page.slice(to)}`;
    const style = await prettier.resolveConfig(docs);
    writeFileSync(docs, await prettier.format(updated, { ...style, filepath: docs }));
    log('table written to docs/PERFORMANCE.md');
  }
}

/** The table of docs/PERFORMANCE.md, from the figures of this run. */
function table(f: any): string {
  const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
  const l = f.lifecycle;
  const c = f.createLatency;
  const w = f.webhookAck[0];
  const t = f.temporalCost;
  const m = f.parkedMemory;
  const s = f.sandboxHeadroom;
  const p = f.payoutCost;
  const kb = (bytes: number) => `${bytes} (${(bytes / 1024).toFixed(1)} KB)`;
  const rows = [
    ['Figure', 'Ours (API)', 'Baseline (raw Temporal)', 'Ratio', 'Target', 'Met'],
    ['---', '---:', '---:', '---:', '---', '---'],
    [
      'Lifecycles/s (create → pay → webhook → SETTLED)',
      l.api.lifecyclesPerSecond,
      l.raw.lifecyclesPerSecond,
      l.ratio,
      '≥ 0.9 and ≥ 50/s',
      yes(l.ratio >= 0.9 && l.api.lifecyclesPerSecond >= 50),
    ],
    [
      'CPU ms per lifecycle (all processes)',
      l.api.cpuMsPerLifecycle.total,
      l.raw.cpuMsPerLifecycle.total,
      (l.api.cpuMsPerLifecycle.total / l.raw.cpuMsPerLifecycle.total).toFixed(2),
      '—',
      '',
    ],
    [
      'Lifecycles/s, vs the floor (smallest workflow of the same shape)',
      l.api.lifecyclesPerSecond,
      l.floor.lifecyclesPerSecond,
      l.ratioToFloor.api.lifecyclesPerSecond,
      '—',
      '',
    ],
    [
      'CPU ms per lifecycle (all processes), vs the floor',
      l.api.cpuMsPerLifecycle.total,
      l.floor.cpuMsPerLifecycle.total,
      l.ratioToFloor.api.cpuMsPerLifecycle,
      '—',
      '',
    ],
    [
      'Create p50 ms, one in flight (vs start + direct call)',
      c.api.p50Ms,
      c.raw.p50Ms,
      c.ratioP50,
      '≤ 25 ms',
      yes(c.api.p50Ms <= 25),
    ],
    [
      'Create p99 ms, one in flight (vs start + direct call)',
      c.api.p99Ms,
      c.raw.p99Ms,
      c.ratioP99,
      '≤ 75 ms',
      yes(c.api.p99Ms <= 75),
    ],
    [
      'Create p50 / p99 ms, raw update-with-start (same workflow)',
      `${c.api.p50Ms} / ${c.api.p99Ms}`,
      `${c.rawUpdateWithStart.p50Ms} / ${c.rawUpdateWithStart.p99Ms}`,
      `${(c.api.p50Ms / c.rawUpdateWithStart.p50Ms).toFixed(2)} / ${(c.api.p99Ms / c.rawUpdateWithStart.p99Ms).toFixed(2)}`,
      '—',
      '',
    ],
    [`Webhook ack p50 ms at ${w.perSecond}/s`, w.api.p50Ms, w.raw.p50Ms, w.ratioP50, '—', ''],
    [
      `Webhook ack p99 ms at ${w.perSecond}/s`,
      w.api.p99Ms,
      w.raw.p99Ms,
      w.ratioP99,
      '≤ 1.2× and < 50 ms',
      yes(w.ratioP99 <= 1.2 && w.api.p99Ms < 50),
    ],
    ...f.webhookAck.map((x: any) => [
      `Webhook ack p50 / p99 ms at ${x.perSecond}/s, vs raw describe() + signal()`,
      `${x.api.p50Ms} / ${x.api.p99Ms}`,
      `${x.rawDescribeThenSignal.p50Ms} / ${x.rawDescribeThenSignal.p99Ms}`,
      `${(x.api.p50Ms / x.rawDescribeThenSignal.p50Ms).toFixed(2)} / ${(x.api.p99Ms / x.rawDescribeThenSignal.p99Ms).toFixed(2)}`,
      '—',
      '',
    ]),
    ...f.webhookAck
      .slice(1)
      .flatMap((x: any) => [
        [
          `Webhook ack p50 / p99 ms at ${x.perSecond}/s`,
          `${x.api.p50Ms} / ${x.api.p99Ms}`,
          `${x.raw.p50Ms} / ${x.raw.p99Ms}`,
          `${x.ratioP50} / ${x.ratioP99}`,
          '—',
          '',
        ],
      ]),
    [
      'History bytes per cash-in (server count), vs the floor',
      kb(t.historySizeBytes),
      kb(t.floor.historySizeBytes),
      (t.historySizeBytes / t.floor.historySizeBytes).toFixed(2),
      `≤ ${t.targets.historySizeBytes}`,
      yes(t.historySizeBytes <= t.targets.historySizeBytes),
    ],
    [
      'History events per cash-in, vs the floor',
      t.historyEvents,
      t.floor.historyEvents,
      '',
      '≤ 15',
      yes(t.historyEvents <= 15),
    ],
    ['Billable actions per cash-in', t.billableActions, '', '', '≤ 5', yes(t.billableActions <= 5)],
    [
      'Billable actions per cash-in with a callbackUrl (lifecycle + callbacks record)',
      `${t.withCallback.billableActions} (+${t.withCallback.extraBillableActions})`,
      '',
      '',
      '≤ 3 more than without',
      yes(t.withCallback.extraBillableActions <= 3),
    ],
    ['State transitions per cash-in', t.stateTransitions, '', '', '—', ''],
    [
      `History bytes per completed payout, run ${p.closed.runStatuses.join('/')} (${p.closed.samples} payouts)`,
      kb(p.closed.historySizeBytes),
      '',
      '',
      `≤ ${p.closed.targets.historySizeBytes}`,
      yes(p.closed.historySizeBytes <= p.closed.targets.historySizeBytes),
    ],
    [
      `History bytes per completed payout, run ${p.open.runStatuses.join('/')} (return window)`,
      kb(p.open.historySizeBytes),
      '',
      '',
      '—',
      '',
    ],
    [
      'History events / billable actions per completed payout (run completed)',
      `${p.closed.historyEvents} / ${p.closed.billableActions}`,
      '',
      '',
      '—',
      '',
    ],
    [
      `Worker MiB per parked cash-in (${m.parked} parked, cache ${m.maxCachedWorkflows})`,
      m.mibPerParkedCashIn,
      '',
      '',
      '≤ 0.5',
      yes(m.mibPerParkedCashIn <= 0.5),
    ],
    ['Worker MiB per cached parked cash-in', m.mibPerCachedCashIn, '', '', '—', ''],
    [
      'Sandbox POST /cash-in req/s (one core)',
      s.requestsPerSecond,
      '',
      (s.requestsPerSecond / l.api.lifecyclesPerSecond).toFixed(1) + '× the lifecycle rate',
      '≥ 2000',
      yes(Boolean(s.meetsTarget)),
    ],
  ];
  const cpu = Object.entries(l.api.cpuMsPerLifecycle)
    .map(([name, ms]) => `${name} ${String(ms)}`)
    .join(', ');
  const rawCpu = Object.entries(l.raw.cpuMsPerLifecycle)
    .map(([name, ms]) => `${name} ${String(ms)}`)
    .join(', ');
  const floorCpu = Object.entries(l.floor.cpuMsPerLifecycle)
    .map(([name, ms]) => `${name} ${String(ms)}`)
    .join(', ');
  const stages = (path: Record<string, { p50Ms: number }>) =>
    Object.entries(path)
      .map(([stage, { p50Ms }]) => `${stage} ${p50Ms}`)
      .join('; ');
  return [
    rows.map((r) => `| ${r.join(' | ')} |`).join('\n'),
    '',
    `CPU ms per lifecycle by process — API path: ${cpu}; raw path: ${rawCpu}; floor: ${floorCpu}`,
    '',
    `The floor (bench/floor/): ${t.floor.historyEvents} events, ${t.floor.historySizeBytes} history bytes, ` +
      `${t.floor.billableActions} billable actions per lifecycle; raw path ÷ floor: ` +
      `${l.ratioToFloor.raw.lifecyclesPerSecond} lifecycles/s, ${l.ratioToFloor.raw.cpuMsPerLifecycle} CPU ms.`,
    '',
    `Create stages, p50 ms — API: ${stages(c.stages.api)}`,
    '',
    `Create stages, p50 ms — raw update-with-start: ${stages(c.stages.rawUpdateWithStart)}`,
  ].join('\n');
}

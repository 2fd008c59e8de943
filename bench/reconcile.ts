import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { formatBrl } from '../connectpsp/money.js';
import { PROJECT_ROOT } from '../scripts/temporal-binaries.js';
import type { ReconcilePassReport } from '../workflows/reconcile/types.js';
import { closedLoop, cpuSeconds, round, untilQuiet } from './measure.js';
import { startBenchStack, type BenchStack } from './stack.js';

/**
 * `npm run bench -- --reconcile`: the reconciliation by age at N open lifecycles (10,000 by default) of mixed kinds
 * and ages — awaiting cash-ins, payouts processing, completed payouts inside their 7-day return window — then 1 %
 * of them moved at ConnectPSP while it drops their webhooks. Ages are compressed: every checkpoint age is
 * multiplied by `--scale` (a lifecycle lives an hour in a minute at 1/60), and the request ceiling by its inverse,
 * so the lookups per lifecycle-hour stay the default's. Reports each pass's wall time, CPU per process, ConnectPSP
 * requests, Temporal calls and history events, and how long each dropped webhook took to be repaired. Last, payments
 * of cash-ins long past their first checkpoints are lost one per pass: the wallet's balance should find them.
 */
export async function runReconcileBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      open: { type: 'string', default: '10000' },
      scale: { type: 'string', default: String(1 / 60) },
      rps: { type: 'string' },
      'steady-seconds': { type: 'string', default: '120' },
      'repair-timeout-seconds': { type: 'string', default: '600' },
      'late-payments': { type: 'string', default: '6' },
      out: { type: 'string' },
    },
  });
  const open = Number(values.open);
  const scale = Number(values.scale);
  const rps = values.rps ? Number(values.rps) : Math.min(200, 5 / scale);
  const log = (line: string) => console.error(`[bench:reconcile] ${new Date().toISOString().slice(11, 19)} ${line}`);
  const startedAt = new Date();
  const mix = { cashIns: Math.round(open * 0.6), completedPayouts: Math.round(open * 0.35) };
  const processingPayouts = open - mix.cashIns - mix.completedPayouts;
  const dropped = Math.max(3, Math.round(open / 100));

  log(`starting the stack (checkpoint ages ×${round(scale, 4)}, ceiling ${rps} requests/s)`);
  const stack = await startBenchStack({
    autoPay: false,
    refundWindowMinutes: 7 * 24 * 60,
    workerEnv: {
      RECONCILE_CHECKPOINT_SCALE: String(scale),
      RECONCILE_MAX_REQUESTS_PER_SECOND: String(rps),
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stack.stop().finally(() => process.exit(130)));
  }
  const pids = {
    temporal: stack.pids.temporal,
    sandbox: stack.pids.sandbox,
    worker: stack.pids.worker,
    api: stack.pids.api,
  };
  const cpu = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const cpuSince = (before: Record<string, number>) =>
    Object.fromEntries(Object.entries(cpu()).map(([k, v]) => [k, round(v - before[k]!, 1)]));
  const results: Record<string, unknown> = {
    startedAt: startedAt.toISOString(),
    settings: {
      open,
      mix: { ...mix, processingPayouts },
      dropped,
      checkpointScale: scale,
      maxRequestsPerSecond: rps,
      intervalMinutes: 0.5,
      note: 'checkpoint ages compressed by the scale and the ceiling raised by its inverse; see docs/PERFORMANCE.md',
    },
    machine: { cores: os.cpus().length, loadAverage: os.loadavg().map((n) => round(n)) },
  };
  try {
    const tag = Date.now().toString(36);
    const cashIns: Lifecycle[] = [];
    const completed: Lifecycle[] = [];
    const processing: Lifecycle[] = [];
    log(`creating ${open} lifecycles`);
    const createCpu = cpu();
    const createStarted = Date.now();
    await closedLoop(open, 32, async (i) => {
      if (i < mix.cashIns) cashIns.push(await createCashIn(stack, `recon-bench-in-${tag}-${i}`, i));
      else {
        const payout = await createCashOut(stack, `recon-bench-out-${tag}-${i}`, i);
        if (i < mix.cashIns + mix.completedPayouts) {
          await control(stack, `/_sandbox/cash-out/${payout.transactionId}/complete`);
          completed.push(payout);
        } else processing.push(payout);
      }
    });
    results.create = { seconds: round((Date.now() - createStarted) / 1000, 1), cpuSeconds: cpuSince(createCpu) };
    log(`created in ${(results.create as { seconds: number }).seconds} s; waiting for the stack to settle`);
    await untilQuiet(pids, { timeoutMs: 120_000 }).catch(() => undefined);

    log(`steady state: ${values['steady-seconds']} s of passes over ${open} open lifecycles`);
    const steadyFrom = new Date();
    const steadyCpu = cpu();
    await sleep(Number(values['steady-seconds']) * 1000);
    const steadyTo = new Date();
    results.steady = {
      seconds: round((steadyTo.getTime() - steadyFrom.getTime()) / 1000, 1),
      cpuSeconds: cpuSince(steadyCpu),
      passes: await passesBetween(stack, steadyFrom, steadyTo),
    };

    // 1 %: cash-ins paid, payouts completed, completed payouts returned, while ConnectPSP drops their webhooks.
    log(`dropping the webhooks of ${dropped} moves at ConnectPSP`);
    const third = Math.floor(dropped / 3);
    // Cash-ins and completed payouts picked across the population, so that their ages (and next checkpoints) vary
    // as an outage's would: the first created share one age and would all meet one checkpoint together.
    const lateCount = Number(values['late-payments']);
    const moves: { lifecycle: Lifecycle; action: string; expect: string; at?: number }[] = [
      ...spread(cashIns.slice(dropped + lateCount), dropped - 2 * third).map((l) => ({
        lifecycle: l,
        action: 'pay',
        expect: 'SETTLED',
      })),
      ...processing.slice(0, third).map((l) => ({ lifecycle: l, action: 'complete', expect: 'COMPLETED' })),
      ...spread(completed, third).map((l) => ({ lifecycle: l, action: 'refund', expect: 'REFUNDED' })),
    ];
    await control(stack, '/_sandbox/faults', 'PUT', { webhooks: { dropRate: 1 } });
    const dropCpu = cpu();
    const dropFrom = new Date();
    for (const move of moves) {
      const kind = move.lifecycle.kind === 'CASH_IN' ? 'cash-in' : 'cash-out';
      await control(stack, `/_sandbox/${kind}/${move.lifecycle.transactionId}/${move.action}`);
      move.at = Date.now();
    }
    await control(stack, '/_sandbox/faults', 'DELETE');

    const repairedAt = new Map<string, number>();
    const deadline = Date.now() + Number(values['repair-timeout-seconds']) * 1000;
    while (repairedAt.size < moves.length && Date.now() < deadline) {
      await sleep(2000);
      const statuses = await statusesOf(
        stack,
        moves.map((m) => m.lifecycle.externalReference),
      );
      for (const move of moves) {
        const ref = move.lifecycle.externalReference;
        if (!repairedAt.has(ref) && statuses.get(ref) === move.expect) repairedAt.set(ref, Date.now());
      }
    }
    const dropTo = new Date();
    const latencies = moves.map((m) => ({
      kind: `${m.lifecycle.kind}:${m.action}`,
      seconds: repairedAt.has(m.lifecycle.externalReference)
        ? round((repairedAt.get(m.lifecycle.externalReference)! - m.at!) / 1000, 1)
        : null,
    }));
    const byKind = (kind: string) => {
      const s = latencies.filter((l) => l.kind === kind && l.seconds !== null).map((l) => l.seconds!);
      s.sort((a, b) => a - b);
      return {
        moved: latencies.filter((l) => l.kind === kind).length,
        repaired: s.length,
        medianSeconds: s[Math.floor(s.length / 2)] ?? null,
        maxSeconds: s.at(-1) ?? null,
        all: s,
      };
    };
    results.dropped = {
      seconds: round((dropTo.getTime() - dropFrom.getTime()) / 1000, 1),
      cpuSeconds: cpuSince(dropCpu),
      repairSeconds: {
        cashInPaid: byKind('CASH_IN:pay'),
        payoutCompleted: byKind('CASH_OUT:complete'),
        payoutReturned: byKind('CASH_OUT:refund'),
      },
      passes: await passesBetween(stack, dropFrom, dropTo),
    };

    // Later in life: single payments lost, one per pass, on cash-ins long past their first checkpoints. The
    // wallet's balance, not their age, is what should find them. Then the same on cash-ins a few seconds old: the
    // 3-minute target of a cash-in's first half hour, in real time (compressed checkpoints would flatter it).
    const late = cashIns.slice(dropped, dropped + lateCount);
    const young: Lifecycle[] = [];
    const lost: Lifecycle[] = [];
    log(
      `losing the webhooks of ${late.length} payments of old cash-ins and ${YOUNG_PAYMENTS} of new ones, one per pass`,
    );
    const lateCpu = cpu();
    const lateFrom = new Date();
    const lateAt = new Map<string, number>();
    const lateRepaired = new Map<string, number>();
    /** Watches the lost payments' statuses until `deadline` (or until all are repaired): when each settled. */
    const watchLate = async (deadline: number) => {
      while (lateRepaired.size < lost.length && Date.now() < deadline) {
        const statuses = await statusesOf(stack, [...lateAt.keys()]);
        for (const [ref, at] of lateAt) {
          if (!lateRepaired.has(ref) && statuses.get(ref) === 'SETTLED') lateRepaired.set(ref, Date.now() - at);
        }
        await sleep(1000);
      }
    };
    const loseOne = async (lifecycle: Lifecycle) => {
      lost.push(lifecycle);
      await control(stack, '/_sandbox/faults', 'PUT', { webhooks: { dropRate: 1 } });
      await control(stack, `/_sandbox/cash-in/${lifecycle.transactionId}/pay`);
      lateAt.set(lifecycle.externalReference, Date.now());
      await control(stack, '/_sandbox/faults', 'DELETE');
      // One loss per wallet span: two in one span add up to an amount no single lifecycle has.
      const next = Date.now() + 35_000;
      await watchLate(next);
      await sleep(Math.max(0, next - Date.now()));
    };
    for (const lifecycle of late) await loseOne(lifecycle);
    for (let k = 0; k < YOUNG_PAYMENTS; k++) {
      const lifecycle = await createCashIn(stack, `recon-bench-young-${tag}-${k}`, 8_500 + k);
      young.push(lifecycle);
      await sleep(3000);
      await loseOne(lifecycle);
    }
    await watchLate(Date.now() + Number(values['repair-timeout-seconds']) * 1000);
    const lateTo = new Date(Date.now() + 31_000);
    await sleep(31_000); // the pass that made the last repair reports it
    const latePasses = await passesBetween(stack, lateFrom, lateTo);
    const repairedOf = (lifecycles: Lifecycle[]) => {
      const seconds = lifecycles
        .filter((l) => lateRepaired.has(l.externalReference))
        .map((l) => round(lateRepaired.get(l.externalReference)! / 1000, 1))
        .sort((a, b) => a - b);
      return {
        lost: lifecycles.length,
        repaired: seconds.length,
        repairSeconds: { median: seconds[Math.floor(seconds.length / 2)] ?? null, max: seconds.at(-1) ?? null },
      };
    };
    results.laterInLife = {
      ageMinutesCompressed: round((Date.now() - startedAt.getTime()) / 60_000 / scale, 0),
      cpuSeconds: cpuSince(lateCpu),
      ...repairedOf(late),
      firstMinutes: repairedOf(young),
      foundByWallet: latePasses.foundByWallet,
      passes: latePasses,
    };
  } finally {
    await stack.stop();
  }
  results.durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
  const out =
    values.out ?? path.join(PROJECT_ROOT, 'bench', 'results', `${startedAt.toISOString().slice(0, 10)}-reconcile.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(
    JSON.stringify(
      { steady: summaryOf(results.steady), dropped: results.dropped, laterInLife: results.laterInLife },
      null,
      2,
    ),
  );
  log(`results in ${path.relative(process.cwd(), out)}`);
}

interface Lifecycle {
  kind: 'CASH_IN' | 'CASH_OUT';
  externalReference: string;
  transactionId: string;
}

const PAYER = { name: 'Bench Reconcile', document: '12345678909' };
/** Payments lost on cash-ins a few seconds old, after the old ones. */
const YOUNG_PAYMENTS = 2;

/** `n` items evenly spaced through `list`. */
function spread<T>(list: readonly T[], n: number): T[] {
  return Array.from({ length: n }, (_, k) => list[Math.floor((k * list.length) / n)]!);
}

async function post(stack: BenchStack, path: string, body: unknown): Promise<any> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` },
      body: JSON.stringify(body),
    });
    const json: any = await res.json().catch(() => ({}));
    if (res.ok && json.connectPsp?.transactionId) return json;
    if (attempt === 10) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
  }
}

/** Amounts vary as a platform's do (R$ 15.00, 15.01, …): a lost payment's amount then points at few lifecycles. */
function amountOf(base: number, i: number): string {
  return formatBrl(base + i);
}

async function createCashIn(stack: BenchStack, externalReference: string, i: number): Promise<Lifecycle> {
  const amount = amountOf(15_00, i);
  const body = await post(stack, '/v1/cash-ins', { externalReference, amount, payer: PAYER });
  return { kind: 'CASH_IN', externalReference, transactionId: body.connectPsp.transactionId };
}

async function createCashOut(stack: BenchStack, externalReference: string, i: number): Promise<Lifecycle> {
  const payee = { ...PAYER, destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: PAYER.document } };
  const body = await post(stack, '/v1/cash-outs', { externalReference, amount: amountOf(40_00, i), payee });
  return { kind: 'CASH_OUT', externalReference, transactionId: body.connectPsp.transactionId };
}

async function control(stack: BenchStack, path: string, method = 'POST', body?: unknown): Promise<void> {
  const res = await fetch(`${stack.sandboxUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

/** The lifecycles' statuses from visibility, a few hundred references per query. */
async function statusesOf(stack: BenchStack, references: string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (let i = 0; i < references.length; i += 200) {
    const list = references
      .slice(i, i + 200)
      .map((r) => `'${r}'`)
      .join(', ');
    for await (const e of stack.client.workflow.list({ query: `PaymentReference IN (${list})` })) {
      const ref = e.searchAttributes?.PaymentReference?.[0];
      const status = e.searchAttributes?.PaymentStatus?.[0];
      if (typeof ref === 'string' && typeof status === 'string') statuses.set(ref, status);
    }
  }
  return statuses;
}

interface PassFigures {
  wallSeconds: number;
  historyEvents: number;
  report: ReconcilePassReport;
}

/** Every reconciliation pass that started in the window, with its report and history length. */
async function passesBetween(stack: BenchStack, from: Date, to: Date) {
  const passes: PassFigures[] = [];
  const query =
    `WorkflowType = 'reconcilePass' AND ExecutionStatus = 'Completed' AND ` +
    `StartTime >= '${from.toISOString()}' AND StartTime <= '${to.toISOString()}'`;
  for await (const e of stack.client.workflow.list({ query })) {
    const report: ReconcilePassReport = await stack.client.workflow.getHandle(e.workflowId, e.runId).result();
    passes.push({
      wallSeconds: round((Date.parse(report.finishedAt!) - Date.parse(report.startedAt!)) / 1000, 2),
      historyEvents: e.historyLength,
      report,
    });
  }
  passes.sort((a, b) => a.report.until.localeCompare(b.report.until));
  const sum = (f: (p: PassFigures) => number) => passes.reduce((s, p) => s + f(p), 0);
  return {
    count: passes.length,
    due: sum((p) => p.report.due),
    checked: sum((p) => p.report.checked),
    repaired: sum((p) => p.report.counts.repaired),
    disagreed: sum((p) => p.report.counts.disagreed),
    unchecked: sum((p) => p.report.counts.unchecked),
    skippedForBudget: sum((p) => p.report.skippedForBudget),
    foundByWallet: sum((p) => p.report.repairs.filter((r) => r.why.includes('wallet')).length),
    foundBySweep: sum((p) => p.report.repairs.filter((r) => r.why.includes('outage sweep')).length),
    repairs: passes.flatMap((p) =>
      p.report.repairs.map((r) => ({ reference: r.externalReference, why: r.why, lateSeconds: r.lateSeconds })),
    ),
    walletSpans: {
      explained: passes.filter((p) => p.report.doubt?.span && p.report.doubt.unexplainedCentavos.length === 0).length,
      unexplained: passes.filter((p) => (p.report.doubt?.unexplainedCentavos.length ?? 0) > 0).length,
      undecided: passes.filter((p) => p.report.doubt?.undecided).length,
      suspectsLookedUp: sum((p) => p.report.doubt?.checked ?? 0),
      sweptLookups: sum((p) => p.report.doubt?.sweep?.checked ?? 0),
      sweepRepaired: sum((p) => p.report.doubt?.sweep?.repaired ?? 0),
      sweepStates: passes.map((p) => p.report.doubt?.sweep?.state ?? '-').join(' '),
    },
    connectPspRequests: sum((p) => p.report.connectPspRequests),
    temporalCalls: sum((p) => p.report.temporalCalls),
    historyEvents: sum((p) => p.historyEvents),
    wallSeconds: {
      max: Math.max(0, ...passes.map((p) => p.wallSeconds)),
      sum: round(
        sum((p) => p.wallSeconds),
        1,
      ),
    },
    each: passes.map((p) => ({
      until: p.report.until,
      wallSeconds: p.wallSeconds,
      historyEvents: p.historyEvents,
      due: p.report.due,
      checked: p.report.checked,
      skippedForBudget: p.report.skippedForBudget,
      repaired: p.report.counts.repaired,
      connectPspRequests: p.report.connectPspRequests,
      temporalCalls: p.report.temporalCalls,
      repairLateSeconds: p.report.repairLateSeconds,
      unexplainedCentavos: p.report.doubt?.unexplainedCentavos.slice(0, 3),
      suspects: p.report.doubt?.suspects,
      sweep: p.report.doubt?.sweep,
    })),
  };
}

function summaryOf(steady: unknown): unknown {
  const s = steady as { passes: { each: unknown[] } & Record<string, unknown> } & Record<string, unknown>;
  return { ...s, passes: { ...s.passes, each: `${s.passes.each.length} passes (in the JSON)` } };
}

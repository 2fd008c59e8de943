import {
  ActivityFailure,
  log,
  metricMeter,
  proxyActivities,
  setCurrentDetails,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type { ReconcileDueActivities } from '../../activities/reconcile-due.js';
import { brl } from '../lifecycle/view.js';
import {
  reconcileTaskQueue,
  type DoubtReport,
  type ReconcileOutcome,
  type SweepReport,
  type ReconcilePassInput,
  type ReconcilePassReport,
} from './types.js';

const OUTCOMES: readonly ReconcileOutcome[] = ['agreed', 'repaired', 'disagreed', 'unchecked'];

/**
 * One reconciliation pass by age, started by the `reconcile` Schedule with where the last finished pass stopped.
 * It looks up the lifecycles whose age crossed a checkpoint since then (workflows/reconcile/checkpoints.ts), from
 * visibility alone, and signals only those ConnectPSP shows an event they missed. Its report is its result and
 * its current details; a pass that fails or is skipped hands nothing on, so the next one covers the whole gap.
 */
export async function reconcilePass(input: ReconcilePassInput = {}): Promise<ReconcilePassReport> {
  const startedAt = new Date(Date.now()).toISOString();
  const { reconcileDue, rememberReconcilePass } = proxyActivities<ReconcileDueActivities>({
    taskQueue: reconcileTaskQueue(workflowInfo().taskQueue),
    // Lookups are paced under the request ceiling and capped at a minute of them; listing comes first.
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
  });
  setCurrentDetails(`**Running** · lifecycles due since ${input.since ?? 'the first pass'}`);
  let report: ReconcilePassReport;
  try {
    report = await reconcileDue({ ...input, until: startedAt });
    await rememberReconcilePass({
      since: report.coveredUntil,
      legacySweptAt: report.legacySweptAt,
      balance: report.balance,
    });
  } catch (err) {
    // Nothing is handed on, so the next pass covers this span too; the pass itself ends normally, with the reason.
    if (!(err instanceof ActivityFailure)) throw err;
    const failure = err.cause?.message ?? err.message;
    const unfinished = notFinished(input, startedAt, failure);
    setCurrentDetails(`**Not finished** · ${failure} · the next pass covers the span from ${unfinished.since}`);
    log.warn('reconciliation pass not finished', { failure });
    return unfinished;
  }

  const lifecycles = metricMeter.createCounter(
    'pix_reconciliation_lifecycles_total',
    'lifecycles',
    'Lifecycles compared with ConnectPSP by the reconciliation, by outcome',
  );
  for (const outcome of OUTCOMES) {
    if (report.counts[outcome] > 0) lifecycles.add(report.counts[outcome], { outcome });
  }
  if (report.skippedForBudget > 0) {
    metricMeter
      .createCounter(
        'pix_reconciliation_skipped_total',
        'lifecycles',
        'Lifecycles due but left to the next pass: the request budget was spent',
      )
      .add(report.skippedForBudget);
  }
  const finished = { ...report, startedAt, finishedAt: new Date(Date.now()).toISOString() };
  setCurrentDetails(describe(finished));
  log.info('reconciliation pass finished', {
    due: report.due,
    checked: report.checked,
    skippedForBudget: report.skippedForBudget,
    ...report.counts,
    disagreeing: report.disagreements.map((d) => `${d.kind}:${d.externalReference}`).join(' '),
    walletSpanTo: report.doubt?.span?.to.at,
    unexplainedCentavos: report.doubt?.unexplainedCentavos.join(' '),
    suspects: report.doubt?.suspects,
    sweep: report.doubt?.sweep?.state,
    swept: report.doubt?.sweep?.checked,
  });
  return finished;
}

// One pass takes a minute at most: it finishes on the build it started on (docs/DEPLOYMENT.md).
setWorkflowOptions({ versioningBehavior: 'PINNED' }, reconcilePass);

function notFinished(input: ReconcilePassInput, until: string, failure: string): ReconcilePassReport {
  const since = input.since ?? until;
  return {
    since,
    until,
    coveredUntil: since,
    legacySweptAt: input.legacySweptAt,
    balance: input.balance,
    due: 0,
    checked: 0,
    counts: { agreed: 0, repaired: 0, disagreed: 0, unchecked: 0 },
    skippedForBudget: 0,
    legacyChecked: 0,
    repairLateSeconds: {},
    connectPspRequests: 0,
    temporalCalls: 0,
    repairs: [],
    disagreements: [],
    startedAt: until,
    finishedAt: new Date(Date.now()).toISOString(),
    failure,
  };
}

function describe(report: ReconcilePassReport): string {
  const { agreed, repaired, disagreed, unchecked } = report.counts;
  const late = report.repairLateSeconds;
  const lines = [
    `**Finished** · span ${report.since} → ${report.coveredUntil} · ${report.due} due · ${report.checked} checked · ` +
      `${agreed} agree · ${repaired} repaired · ${disagreed} disagree · ${unchecked} unchecked · ` +
      `${report.skippedForBudget} skipped for the budget · ${report.connectPspRequests} ConnectPSP requests`,
    ...(late.max !== undefined ? [`repairs came ${late.median} s late (median), ${late.max} s at most`] : []),
    ...(report.doubt ? [describeDoubt(report.doubt)] : []),
    ...report.repairs.map(
      (r) => `- repaired \`${r.externalReference}\` (${r.kind}), ${Math.round(r.lateSeconds ?? 0)} s late: ${r.why}`,
    ),
    ...report.disagreements.map(
      (d) =>
        `- **disagrees** \`${d.externalReference}\` (${d.kind}): ours ${d.local}, ConnectPSP ${d.remote}: ${d.why}`,
    ),
  ];
  return lines.join('\n');
}

function describeDoubt(doubt: DoubtReport): string {
  if (doubt.failure) return `wallet not read: ${doubt.failure}`;
  if (!doubt.span) return 'wallet read; its first span is explained next pass';
  const span = `wallet ${doubt.span.from.at} → ${doubt.span.to.at}`;
  const sweep = doubt.sweep ? ` · ${describeSweep(doubt.sweep)}` : '';
  if (doubt.undecided) return `${span}: too many moves at its edges to tell; left to the age checkpoints${sweep}`;
  if (doubt.unexplainedCentavos.length === 0) return `${span}: every change explained${sweep}`;
  const amounts = doubt.unexplainedCentavos.map((c) => brl(c)).join(' or ');
  const suspects = `${doubt.suspects} suspect${doubt.suspects === 1 ? '' : 's'} · ${doubt.checked} looked up`;
  return `${span}: **${amounts} unexplained** · ${suspects}${sweep}`;
}

function describeSweep(sweep: SweepReport): string {
  if (sweep.failure) return `outage sweep not listed this pass: ${sweep.failure}`;
  switch (sweep.state) {
    case 'waiting':
      return 'outage sweep waits a pass for the suspects';
    case 'ended':
      return 'outage sweep ended';
    case 'gave up':
      return `**outage sweep gave up**: a whole round (${sweep.roundChecked} looked up) repaired nothing; left to the age checkpoints`;
    case 'sweeping': {
      const kind = sweep.kind === 'CASH_OUT' ? 'payouts' : 'cash-ins';
      return `outage sweep: ${sweep.checked} ${kind} looked up, ${sweep.repaired ?? 0} repaired (${sweep.roundChecked} this round)`;
    }
  }
}

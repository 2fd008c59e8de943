import {
  continueAsNew,
  log,
  metricMeter,
  proxyActivities,
  setCurrentDetails,
  setWorkflowOptions,
} from '@temporalio/workflow';
import type { ReconcileActivities } from '../../activities/reconcile.js';
import { MAX_LISTED, type ReconcileInput, type ReconcileOutcome, type ReconcileReport } from './types.js';

const { reconcilePage } = proxyActivities<ReconcileActivities>({
  // One page: a visibility list, then one query, one ConnectPSP GET and at most one signal per lifecycle.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Pages per run before continuing as new, so a pass over many thousands of lifecycles keeps a short history. */
const PAGES_PER_RUN = 20;
const OUTCOMES: readonly ReconcileOutcome[] = ['agreed', 'repaired', 'disagreed', 'unchecked'];

/**
 * One reconciliation pass, started by the `reconcile` Schedule: every running cash-in and cash-out is compared
 * with ConnectPSP, page by page. A lifecycle that missed a ConnectPSP event (a lost webhook) gets it through its
 * own event signal; what no event can repair is reported in the result, the details, a metric and a log line.
 */
export async function reconcile(input: ReconcileInput = {}): Promise<ReconcileReport> {
  const pageSize = input.pageSize ?? 100;
  const report: ReconcileReport = input.report ?? {
    startedAt: new Date(Date.now()).toISOString(),
    pages: 0,
    checked: 0,
    counts: { agreed: 0, repaired: 0, disagreed: 0, unchecked: 0 },
    repairs: [],
    disagreements: [],
  };
  const lifecycles = metricMeter.createCounter(
    'pix_reconciliation_lifecycles_total',
    'lifecycles',
    'Lifecycles compared with ConnectPSP by the reconciliation, by outcome',
  );
  let pageToken = input.pageToken;
  for (let page = 0; ; page++) {
    if (page === PAGES_PER_RUN) await continueAsNew<typeof reconcile>({ pageSize, pageToken, report });
    const result = await reconcilePage({ pageToken, pageSize });
    report.pages++;
    for (const outcome of OUTCOMES) {
      report.counts[outcome] += result.counts[outcome];
      report.checked += result.counts[outcome];
      if (result.counts[outcome] > 0) lifecycles.add(result.counts[outcome], { outcome });
    }
    report.repairs.push(...result.repairs.slice(0, MAX_LISTED - report.repairs.length));
    report.disagreements.push(...result.disagreements.slice(0, MAX_LISTED - report.disagreements.length));
    setCurrentDetails(describe(report));
    pageToken = result.nextPageToken;
    if (pageToken === undefined) break;
  }
  report.finishedAt = new Date(Date.now()).toISOString();
  setCurrentDetails(describe(report));
  log.info('reconciliation pass finished', {
    checked: report.checked,
    ...report.counts,
    disagreeing: report.disagreements.map((d) => `${d.kind}:${d.externalReference}`).join(' '),
  });
  return report;
}

// One pass takes minutes: it finishes on the build it started on, whatever is deployed meanwhile (docs/DEPLOYMENT.md).
setWorkflowOptions({ versioningBehavior: 'PINNED' }, reconcile);

function describe(report: ReconcileReport): string {
  const { agreed, repaired, disagreed, unchecked } = report.counts;
  const lines = [
    `**${report.finishedAt ? 'Finished' : 'Running'}** · ${report.checked} lifecycles checked · ${agreed} agree · ` +
      `${repaired} repaired · ${disagreed} disagree · ${unchecked} unchecked`,
    ...report.repairs.map((r) => `- repaired \`${r.externalReference}\` (${r.kind}): ${r.why}`),
    ...report.disagreements.map(
      (d) =>
        `- **disagrees** \`${d.externalReference}\` (${d.kind}): ours ${d.local}, ConnectPSP ${d.remote}: ${d.why}`,
    ),
  ];
  return lines.join('\n');
}

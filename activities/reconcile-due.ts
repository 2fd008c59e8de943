import { Context, sleep } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { google, temporal as proto } from '@temporalio/proto';
import type { Config } from '../config/env.js';
import type { ConnectPspClient } from '../connectpsp/client.js';
import { isConnectPspError } from '../connectpsp/errors.js';
import { brlToCentavos } from '../connectpsp/money.js';
import { cashInEventSignal } from '../workflows/cash-in/messages.js';
import { cashOutEventSignal } from '../workflows/cash-out/messages.js';
import { cashOutEventOf } from '../workflows/cash-out/types.js';
import {
  DEFAULT_CHECKPOINTS,
  dueAt,
  dueLifecyclesQuery,
  planFor,
  runningLifecycles,
  scaledCheckpoints,
} from '../workflows/reconcile/checkpoints.js';
import {
  afterPage,
  explainBalanceChange,
  movementsQuery,
  nextSweep,
  nextWatch,
  spanToExplain,
  suspectsQuery,
  sweepQuery,
  type BalanceReading,
  type BalanceWatch,
  type Movement,
  type OutageSweep,
} from '../workflows/reconcile/doubt.js';
import {
  MAX_LISTED,
  type DoubtReport,
  type ReconcileDueInput,
  type ReconcilePassHandOn,
  type ReconcileFinding,
  type ReconcileOutcome,
  type ReconcilePassReport,
  type ReconcileRepair,
} from '../workflows/reconcile/types.js';
import {
  CASH_OUT_EVENT,
  cashOutEventTime,
  createQueryChecks,
  paidEvent,
  refundedEvent,
  type Check,
} from './reconcile.js';
import { toCashInResult, toCashOutResult } from './results.js';

const LIST_PAGE_SIZE = 1000;
/** Lookups in flight at once: enough to keep the rate with ConnectPSP's latency, few enough to stay gentle. */
const MAX_IN_FLIGHT = 16;
/** A pass spends at most this long of lookups (at the request ceiling); what is left is carried to the next. */
const PASS_BUDGET_SECONDS = 60;
const UNPAID = new Set(['AWAITING_PAYMENT', 'EXPIRED', 'CANCELLED']);

/** A lifecycle due for a lookup, all from its visibility record. */
interface Due {
  workflowId: string;
  kind: 'CASH_IN' | 'CASH_OUT';
  status?: string;
  reference: string;
  amountCentavos?: number;
  pspId?: string;
  /** When its checkpoint was crossed (epoch ms); legacy lifecycles sort after every due one. */
  dueAt: number;
}

export type ReconcileDueActivities = ReturnType<typeof createReconcileDueActivities>;

/**
 * The reconciliation by age: one visibility query finds the lifecycles whose age crossed a checkpoint since the
 * last pass; each is compared with one ConnectPSP `GET`, from its search attributes alone, and its workflow is
 * signalled only when ConnectPSP knows of an event it missed. Requests are paced under
 * `RECONCILE_MAX_REQUESTS_PER_SECOND`; passes never overlap (the Schedule skips), so the ceiling holds across
 * workers. Lifecycles that do not publish `PaymentPspId` (started before they did) are compared the old way,
 * asking the workflow, on a slower sweep.
 */
export function createReconcileDueActivities(deps: {
  temporal: Client;
  connectPsp: ConnectPspClient;
  config: Pick<
    Config,
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_TASK_QUEUE'
    | 'RECONCILE_INTERVAL_MINUTES'
    | 'RECONCILE_MAX_REQUESTS_PER_SECOND'
    | 'RECONCILE_CHECKPOINT_SCALE'
    | 'RECONCILE_LEGACY_SWEEP_MINUTES'
  >;
  /** Where the pass's progress is kept between passes: the Schedule's action input. */
  scheduleId: string;
}) {
  const { temporal, connectPsp, config } = deps;
  const plans = scaledCheckpoints(DEFAULT_CHECKPOINTS, config.RECONCILE_CHECKPOINT_SCALE);
  const queryChecks = createQueryChecks(temporal, connectPsp);
  // The pass's requests in its minute: the wallet's reading, then the paced lookups.
  const maxLookups = Math.max(1, Math.floor(config.RECONCILE_MAX_REQUESTS_PER_SECOND * PASS_BUDGET_SECONDS) - 1);

  /**
   * Lists a query's records page by page (visibility caps a page, 1,000 by default), from `pageToken` (base64) when
   * given, to the end or until `upTo` records were listed: the pages it took and, when it stopped before the end,
   * the token to go on from.
   */
  const list = async (
    query: string,
    onEach: (e: proto.api.workflow.v1.IWorkflowExecutionInfo) => void,
    { pageToken, upTo = Infinity }: { pageToken?: string; upTo?: number } = {},
  ): Promise<{ pages: number; nextPageToken?: string }> => {
    let pages = 0;
    let listed = 0;
    let token: Uint8Array | undefined = pageToken ? Buffer.from(pageToken, 'base64') : undefined;
    do {
      const response = await temporal.workflowService.listWorkflowExecutions({
        namespace: config.TEMPORAL_NAMESPACE,
        query,
        pageSize: Math.min(LIST_PAGE_SIZE, upTo - listed),
        nextPageToken: token,
      });
      pages++;
      for (const execution of response.executions ?? []) onEach(execution);
      listed += response.executions?.length ?? 0;
      token = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
      Context.current().heartbeat();
    } while (token && listed < upTo);
    return { pages, nextPageToken: token ? Buffer.from(token).toString('base64') : undefined };
  };

  /** Compares one lifecycle from its attributes; signals its workflow only on a missed event. */
  const checkByAttributes = async (due: Due): Promise<Check> => {
    const status = due.status ?? '?';
    const handle = temporal.workflow.getHandle(due.workflowId);
    const finding = (remote: string, why: string): ReconcileFinding => ({
      kind: due.kind,
      externalReference: due.reference,
      local: status,
      remote,
      why,
    });
    if (due.kind === 'CASH_IN') {
      const remote = toCashInResult(await connectPsp.getCashIn(due.pspId!));
      const paidEndToEndId = remote.originalEndToEndId ?? remote.endToEndId;
      if ((remote.status === 'PAID' || remote.status === 'REFUNDED') && paidEndToEndId && UNPAID.has(status)) {
        await handle.signal(cashInEventSignal, paidEvent(remote, paidEndToEndId));
        const why = 'CASHIN_PAID delivered (webhook missing)';
        return { outcome: 'repaired', finding: finding(remote.status, why), happenedAt: remote.paidAt };
      }
      if (remote.status === 'REFUNDED' && status === 'REFUNDING' && paidEndToEndId) {
        await handle.signal(cashInEventSignal, refundedEvent(remote, paidEndToEndId));
        const why = 'CASHIN_REFUNDED delivered (webhook missing)';
        return { outcome: 'repaired', finding: finding(remote.status, why), happenedAt: remote.refundedAt };
      }
      if (status === 'AWAITING_PAYMENT' && remote.status !== 'AWAITING_PAYMENT' && remote.status !== 'EXPIRED') {
        return { outcome: 'disagreed', finding: finding(remote.status, 'the charge can no longer be paid') };
      }
      return { outcome: 'agreed' };
    }
    const remote = toCashOutResult(await connectPsp.getCashOut(due.pspId!));
    if (due.amountCentavos !== undefined && remote.amountCentavos !== due.amountCentavos) {
      const why = `amount ${remote.amountCentavos} ≠ ${due.amountCentavos}`;
      return { outcome: 'disagreed', finding: finding(remote.status, why) };
    }
    const event = CASH_OUT_EVENT[remote.status];
    const repairable =
      event !== undefined && (status === 'PROCESSING' || (status === 'COMPLETED' && event === 'CASHOUT_REFUNDED'));
    if (repairable) {
      await handle.signal(cashOutEventSignal, cashOutEventOf(remote, event, new Date().toISOString()));
      const why = `${event} delivered (webhook missing)`;
      return { outcome: 'repaired', finding: finding(remote.status, why), happenedAt: cashOutEventTime(remote, event) };
    }
    const agrees = remote.status === status || (status === 'FAILED' && remote.status === 'CANCELLED');
    if (!agrees) return { outcome: 'disagreed', finding: finding(remote.status, 'no ConnectPSP event leads there') };
    return { outcome: 'agreed' };
  };

  /** The outage sweep's candidates for this pass, from where its last pass stopped, less those looked up anyway. */
  const listSweep = async (sweep: OutageSweep, room: number, looked: ReadonlySet<string>, until: number) => {
    const candidates: Due[] = [];
    const query = sweepQuery(runningLifecycles(config.TEMPORAL_TASK_QUEUE), sweep);
    const { pages, nextPageToken } = await list(
      query,
      (e) => {
        const candidate = { ...dueOf(e), dueAt: until };
        if (candidate.pspId !== undefined && !looked.has(candidate.workflowId)) candidates.push(candidate);
      },
      { pageToken: sweep.pageToken, upTo: room },
    );
    return { candidates, nextPageToken, calls: pages };
  };

  /**
   * Reads the wallet, and explains the span between the two readings before it with the movements lifecycles
   * published there (or, while an outage sweep goes on, the sweep's whole span). When money is left over, the
   * running lifecycles whose lost event would explain it are the suspects, whatever their age; when none or
   * several would, the sweep goes on (workflows/reconcile/doubt.ts).
   */
  const weighDoubt = async (
    watch: BalanceWatch,
  ): Promise<{ report: DoubtReport; next: BalanceWatch; suspects: Omit<Due, 'dueAt'>[]; calls: number }> => {
    let reading: BalanceReading;
    try {
      const balance = await connectPsp.getBalance();
      reading = { at: balance.updatedAt, totalCentavos: brlToCentavos(balance.consolidated.totalBalance) };
    } catch (err) {
      const failure = isConnectPspError(err) ? `ConnectPSP: ${err.code}` : (err as Error).name;
      return {
        report: { unexplainedCentavos: [], suspects: 0, checked: 0, failure },
        next: watch,
        suspects: [],
        calls: 0,
      };
    }
    const { span: newSpan, next } = nextWatch(watch, reading);
    const span = spanToExplain(watch, newSpan);
    const report: DoubtReport = { span, unexplainedCentavos: [], suspects: 0, checked: 0 };
    if (!span) return { report, next, suspects: [], calls: 0 };
    const movements: Movement[] = [];
    const from = Date.parse(span.from.at);
    const to = Date.parse(span.to.at);
    let { pages: calls } = await list(movementsQuery(config.TEMPORAL_TASK_QUEUE, from, to), (e) => {
      movements.push(...movementsOf(e));
    });
    const explanation = explainBalanceChange(span.from, span.to, movements);
    report.unexplainedCentavos = explanation.unexplainedCentavos;
    if (explanation.undecided) report.undecided = true;
    const credits = explanation.unexplainedCentavos.filter((c) => c > 0);
    const suspects: Omit<Due, 'dueAt'>[] = [];
    if (credits.length > 0) {
      const listed = await list(suspectsQuery(runningLifecycles(config.TEMPORAL_TASK_QUEUE), credits), (e) => {
        suspects.push(dueOf(e));
      });
      calls += listed.pages;
    }
    report.suspects = suspects.length;
    const { sweep, state } = nextSweep(watch.sweep, span, explanation, suspects.length);
    if (state) report.sweep = { state, checked: 0, roundChecked: sweep?.checked ?? watch.sweep?.checked ?? 0 };
    const { sweep: _, ...rest } = next;
    return { report, next: sweep ? { ...rest, sweep } : rest, suspects, calls };
  };

  return {
    async reconcileDue(input: ReconcileDueInput): Promise<ReconcilePassReport> {
      const until = Date.parse(input.until);
      const intervalMs = config.RECONCILE_INTERVAL_MINUTES * 60_000;
      // The first pass ever looks back one interval; later ones start where the last finished pass stopped.
      const since = input.since ? Date.parse(input.since) : until - Math.max(intervalMs, 60_000);
      const legacyDue =
        input.legacySweptAt === undefined ||
        until - Date.parse(input.legacySweptAt) >= config.RECONCILE_LEGACY_SWEEP_MINUTES * 60_000;
      let temporalCalls = 0;
      let connectPspRequests = 0;

      const due = new Map<string, Due>();
      const query = dueLifecyclesQuery(plans, since, until, config.TEMPORAL_TASK_QUEUE);
      if (query) {
        const listed = await list(query, (e) => {
          const record = dueOf(e);
          const plan = planFor(plans, record.kind, record.status);
          const startedAt = timestampMs(e.startTime);
          // Visibility's times are the server's; one a hair outside the span still counts as due now.
          const at = plan && startedAt !== undefined ? (dueAt(plan, startedAt, since, until) ?? until) : until;
          due.set(record.workflowId, { ...record, dueAt: at });
        });
        temporalCalls += listed.pages;
      }
      const doubt = await weighDoubt(input.balance ?? {});
      temporalCalls += doubt.calls;
      connectPspRequests++;
      const ordered = [...due.values()].filter((d) => d.pspId !== undefined).sort(byDue);
      let legacy: Due[] = [];
      if (legacyDue) {
        const found: Due[] = [];
        const withoutId = `${runningLifecycles(config.TEMPORAL_TASK_QUEUE)} AND PaymentPspId IS NULL`;
        const listed = await list(withoutId, (e) => {
          found.push({ ...dueOf(e), dueAt: until });
        });
        temporalCalls += listed.pages;
        legacy = found;
      }

      // The budget: the oldest due first; the rest is carried by ending the covered span before it.
      let take = ordered;
      let coveredUntil = until;
      if (ordered.length > maxLookups) {
        const cut = ordered[maxLookups]!.dueAt;
        take = ordered.filter((d) => d.dueAt < cut);
        if (take.length === 0) take = ordered.filter((d) => d.dueAt === cut);
        coveredUntil = take.at(-1)!.dueAt === cut ? cut : cut - 1;
      }
      // Suspects come after what is due (already looked up when due), before the legacy sweep; those the budget
      // leaves out are left to their checkpoints.
      const suspects = doubt.suspects
        .filter((s) => !due.has(s.workflowId))
        .slice(0, Math.max(0, maxLookups - take.length))
        .map((s) => ({ ...s, dueAt: until }));
      doubt.report.checked = suspects.length;
      const suspected = new Set(suspects.map((s) => s.workflowId));
      const legacyTaken = legacy.slice(0, Math.max(0, maxLookups - take.length - suspects.length));
      const legacySwept = legacyDue && legacyTaken.length === legacy.length;
      // An outage sweep takes what the budget leaves: the candidates from where its last page ended.
      let balance = doubt.next;
      const sweep = balance.sweep;
      const swept: Due[] = [];
      let sweepPageToken: string | undefined;
      let sweptRepaired = 0;
      const sweepRoom = maxLookups - take.length - suspects.length - legacyTaken.length;
      let sweeping = sweep !== undefined && !sweep.waiting && sweepRoom > 0 && doubt.report.sweep !== undefined;
      if (sweep && sweeping) {
        try {
          const page = await listSweep(sweep, sweepRoom, new Set([...due.keys(), ...suspected]), until);
          temporalCalls += page.calls;
          swept.push(...page.candidates);
          sweepPageToken = page.nextPageToken;
        } catch (err) {
          // The checkpoints go on without it; the sweep starts its kind again next pass (a stale token is dropped).
          sweeping = false;
          const { pageToken: _, ...restart } = sweep;
          balance = { ...balance, sweep: restart };
          doubt.report.sweep = { ...doubt.report.sweep!, failure: (err as Error).message.slice(0, 200) };
        }
      }
      const sweptIds = new Set(swept.map((d) => d.workflowId));
      const work = [...take, ...suspects, ...legacyTaken, ...swept];

      const counts: Record<ReconcileOutcome, number> = { agreed: 0, repaired: 0, disagreed: 0, unchecked: 0 };
      const repairs: ReconcileRepair[] = [];
      const disagreements: ReconcileFinding[] = [];
      const lateSeconds: number[] = [];
      const latency = Context.current().metricMeter.createHistogram(
        'pix_reconciliation_repair_latency_seconds',
        'float',
        's',
        'From the time ConnectPSP gives a missed event to its delivery by the reconciliation',
      );
      const pace = pacer(config.RECONCILE_MAX_REQUESTS_PER_SECOND);
      let next = 0;
      const lookup = async () => {
        while (next < work.length) {
          const item = work[next++]!;
          await pace();
          let check: Check;
          const legacyItem = item.pspId === undefined;
          try {
            connectPspRequests++;
            if (legacyItem) temporalCalls++;
            check = legacyItem
              ? await (item.kind === 'CASH_IN' ? queryChecks.checkCashIn : queryChecks.checkCashOut)(item.workflowId)
              : await checkByAttributes(item);
          } catch (err) {
            // Closed meanwhile, not answering, or ConnectPSP unreachable: its next checkpoint tries again.
            const why = isConnectPspError(err) ? `ConnectPSP: ${err.code}` : `not checked: ${(err as Error).name}`;
            check = {
              outcome: isConnectPspError(err) && err.status === 404 ? 'disagreed' : 'unchecked',
              finding: {
                kind: item.kind,
                externalReference: item.reference,
                local: item.status ?? '?',
                remote: '?',
                why,
              },
            };
          }
          counts[check.outcome]++;
          if (suspected.has(item.workflowId) && check.finding) {
            check.finding.why += ' · found by the wallet balance';
          } else if (sweptIds.has(item.workflowId) && check.finding) {
            check.finding.why += ' · found by the outage sweep';
            if (check.outcome === 'repaired') sweptRepaired++;
          }
          if (check.outcome === 'repaired') {
            temporalCalls++;
            const late = check.happenedAt ? (Date.now() - Date.parse(check.happenedAt)) / 1000 : undefined;
            if (late !== undefined && Number.isFinite(late)) {
              lateSeconds.push(late);
              latency.record(Math.max(0, late), { kind: item.kind });
            }
            if (repairs.length < MAX_LISTED) repairs.push({ ...check.finding!, lateSeconds: tenths(late) });
          } else if (check.finding && disagreements.length < MAX_LISTED) disagreements.push(check.finding);
          Context.current().heartbeat();
        }
      };
      await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, lookup));
      if (sweep && sweeping && doubt.report.sweep) {
        balance = {
          ...balance,
          sweep: afterPage(sweep, { nextPageToken: sweepPageToken, checked: swept.length, repaired: sweptRepaired }),
        };
        doubt.report.sweep = {
          ...doubt.report.sweep,
          kind: sweep.kind,
          checked: swept.length,
          repaired: sweptRepaired,
          roundChecked: balance.sweep!.checked,
        };
      }

      lateSeconds.sort((a, b) => a - b);
      return {
        since: new Date(since).toISOString(),
        until: input.until,
        coveredUntil: new Date(coveredUntil).toISOString(),
        legacySweptAt: legacySwept ? input.until : input.legacySweptAt,
        balance,
        doubt: doubt.report,
        due: ordered.length + legacy.length,
        checked: work.length,
        counts,
        skippedForBudget: ordered.length - take.length + legacy.length - legacyTaken.length,
        legacyChecked: legacyTaken.length,
        repairLateSeconds: {
          median: tenths(lateSeconds[Math.floor(lateSeconds.length / 2)]),
          max: tenths(lateSeconds.at(-1)),
        },
        connectPspRequests,
        temporalCalls,
        repairs,
        disagreements,
      };
    },

    /** Hands the next pass where this one stopped, through the Schedule's action input. */
    async rememberReconcilePass(next: ReconcilePassHandOn): Promise<void> {
      await temporal.schedule.getHandle(deps.scheduleId).update((previous) => {
        if (previous.action.type !== 'startWorkflow') return previous;
        return { ...previous, action: { ...previous.action, args: [next] } };
      });
    },
  };
}

function tenths(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 10) / 10;
}

function byDue(a: Due, b: Due): number {
  return a.dueAt - b.dueAt || (a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0);
}

/** Spaces calls `1 / perSecond` apart; callers that come early wait their turn. */
function pacer(perSecond: number): () => Promise<void> {
  const gapMs = 1000 / perSecond;
  let nextAt = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, nextAt);
    nextAt = at + gapMs;
    if (at > now) await sleep(at - now);
  };
}

/** One search attribute of a visibility record, decoded; undefined when the record lacks it. */
function attribute(e: proto.api.workflow.v1.IWorkflowExecutionInfo, key: string): unknown {
  const payload = e.searchAttributes?.indexedFields?.[key];
  return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
}

function dueOf(e: proto.api.workflow.v1.IWorkflowExecutionInfo): Omit<Due, 'dueAt'> {
  const text = (key: string) => {
    const value = attribute(e, key);
    return typeof value === 'string' ? value : undefined;
  };
  const amount = attribute(e, 'PaymentAmountCentavos');
  return {
    workflowId: e.execution?.workflowId ?? '',
    kind: e.type?.name === 'cashIn' ? 'CASH_IN' : 'CASH_OUT',
    status: text('PaymentStatus'),
    reference: text('PaymentReference') ?? '?',
    amountCentavos: typeof amount === 'number' ? amount : undefined,
    pspId: text('PaymentPspId'),
  };
}

/** The money a lifecycle published as moved: its amount in at `PaymentCreditedAt`, out at `PaymentDebitedAt`. */
function movementsOf(e: proto.api.workflow.v1.IWorkflowExecutionInfo): Movement[] {
  const amount = attribute(e, 'PaymentAmountCentavos');
  if (typeof amount !== 'number') return [];
  const movements: Movement[] = [];
  for (const [key, sign] of [
    ['PaymentCreditedAt', 1],
    ['PaymentDebitedAt', -1],
  ] as const) {
    const at = Date.parse(String(attribute(e, key)));
    if (Number.isFinite(at)) movements.push({ at, centavos: sign * amount });
  }
  return movements;
}

function timestampMs(t: google.protobuf.ITimestamp | null | undefined): number | undefined {
  if (!t?.seconds) return undefined;
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

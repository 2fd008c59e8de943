import type { BalanceReading, BalanceWatch, OutageSweep, SweepState } from './doubt.js';

/**
 * The reconciliation pass's data, shared by its workflow and its activity. Plain types only (workflow code):
 * references, statuses and counts, never personal data.
 */

/** What one lifecycle's check came to. */
export type ReconcileOutcome = 'agreed' | 'repaired' | 'disagreed' | 'unchecked';

/** A lifecycle whose state differs from ConnectPSP's, or that could not be compared, and why. */
export interface ReconcileFinding {
  kind: 'CASH_IN' | 'CASH_OUT';
  externalReference: string;
  /** Our status and ConnectPSP's, as each side names it. */
  local: string;
  remote: string;
  /** For a repair: the event delivered; otherwise why it cannot be repaired by an event. */
  why: string;
}

export interface ReconcilePageInput {
  /** Visibility's page token from the previous page (base64), absent for the first. */
  pageToken?: string;
  pageSize: number;
}

export interface ReconcilePageResult {
  counts: Record<ReconcileOutcome, number>;
  repairs: ReconcileFinding[];
  disagreements: ReconcileFinding[];
  nextPageToken?: string;
}

/** The running totals of one pass, carried across continue-as-new. */
export interface ReconcileReport {
  startedAt: string;
  finishedAt?: string;
  pages: number;
  checked: number;
  counts: Record<ReconcileOutcome, number>;
  /** The first {@link MAX_LISTED} of each, so the result stays small; the counts are complete. */
  repairs: ReconcileFinding[];
  disagreements: ReconcileFinding[];
}

export interface ReconcileInput {
  /** Lifecycles per visibility page (and per activity). @default 100 */
  pageSize?: number;
  /** Set by continue-as-new: where the pass is, and what it found so far. */
  pageToken?: string;
  report?: ReconcileReport;
}

export const MAX_LISTED = 50;

/** What a pass started by the Schedule is given: where the last finished pass stopped. */
export interface ReconcilePassInput {
  /** The end of the span the last finished pass covered (ISO); absent before the first pass. */
  since?: string;
  /** When lifecycles without `PaymentPspId` were last compared (ISO). */
  legacySweptAt?: string;
  /** The wallet's readings still to explain (workflows/reconcile/doubt.ts). */
  balance?: BalanceWatch;
}

/** What the pass hands the next: where it stopped. */
export type ReconcilePassHandOn = Required<Pick<ReconcilePassInput, 'since'>> & Omit<ReconcilePassInput, 'since'>;

/** The wallet's side of a pass: the span it explained, what was left over and the lifecycles that could explain it. */
export interface DoubtReport {
  span?: { from: BalanceReading; to: BalanceReading };
  /** Left unexplained, for each way the movements at the span's edges may fall (centavos); empty when explained. */
  unexplainedCentavos: number[];
  /** Too many movements at the edges to tell: the span was left to the age checkpoints. */
  undecided?: boolean;
  /** Running lifecycles whose lost event would explain an amount left over, and how many were looked up. */
  suspects: number;
  checked: number;
  /** Why the balance could not be read (the span waits for the next pass). */
  failure?: string;
  /** The outage sweep, when one goes on: what it did this pass. */
  sweep?: SweepReport;
}

/** An outage sweep's pass: the kind it listed, lookups and repairs this pass, and lookups in its round so far. */
export interface SweepReport {
  state: SweepState;
  kind?: OutageSweep['kind'];
  checked: number;
  repaired?: number;
  roundChecked: number;
  /** Why its candidates could not be listed this pass (the checkpoints went on; the sweep tries again). */
  failure?: string;
}

export interface ReconcileDueInput extends ReconcilePassInput {
  /** The pass's time (ISO): lifecycles whose checkpoint age was crossed in (since, until] are due. */
  until: string;
}

/** A repair, with how late it came: from ConnectPSP's time of the missed event to the signal. */
export interface ReconcileRepair extends ReconcileFinding {
  lateSeconds?: number;
}

/** One pass's report: the workflow's result and current details. */
export interface ReconcilePassReport {
  since: string;
  until: string;
  /** Where the next pass starts: `until`, or earlier when the budget cut this pass short. */
  coveredUntil: string;
  legacySweptAt?: string;
  balance?: BalanceWatch;
  /** The wallet's balance explained by published movements, or the suspects looked up when it was not. */
  doubt?: DoubtReport;
  /** Lifecycles due at a checkpoint in the span (plus, on a legacy sweep, those without `PaymentPspId`). */
  due: number;
  checked: number;
  counts: Record<ReconcileOutcome, number>;
  /** Due but left for the next pass: the request budget was spent (oldest due were looked up first). */
  skippedForBudget: number;
  /** Compared by asking the workflow for its view (lifecycles without `PaymentPspId`). */
  legacyChecked: number;
  /** How late the repairs came, in seconds (all of them, not only the listed ones). */
  repairLateSeconds: { median?: number; max?: number };
  connectPspRequests: number;
  /** Visibility pages listed, queries and signals sent (the pass's own workflow and activities aside). */
  temporalCalls: number;
  /** The first {@link MAX_LISTED} of each; the counts are complete. */
  repairs: ReconcileRepair[];
  disagreements: ReconcileFinding[];
  startedAt?: string;
  finishedAt?: string;
  /** Why the pass could not finish (Temporal or the worker unavailable past its retries); the next covers its span. */
  failure?: string;
}

/** The reconciliation's own task queue: its lookups never wait behind, nor delay, a lifecycle's tasks. */
export function reconcileTaskQueue(lifecycleTaskQueue: string): string {
  return `${lifecycleTaskQueue}-reconcile`;
}

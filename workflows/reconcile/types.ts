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

/**
 * Doubt from the wallet: between two readings of ConnectPSP's balance, every change should be explained by a
 * lifecycle that published a money movement in that span (`PaymentCreditedAt`, `PaymentDebitedAt`). What is left
 * over is money that moved without our knowing: most likely a webhook ConnectPSP never delivered. Its amount
 * points at the lifecycles worth a look, whatever their age. Plain arithmetic, no I/O: used by the pass's activity
 * and checked by unit tests.
 */

/** One reading of ConnectPSP's balance: its snapshot time (whole seconds) and the total of its accounts. */
export interface BalanceReading {
  at: string;
  totalCentavos: number;
}

/**
 * What a pass hands the next about the wallet: the reading the last explained span ended at, and the newest
 * reading, explained one pass later, once the webhooks of its moves have had time to arrive.
 */
export interface BalanceWatch {
  explainedUntil?: BalanceReading;
  latest?: BalanceReading;
}

/** A money movement a lifecycle published: + into the wallet, − out of it. */
export interface Movement {
  at: number;
  centavos: number;
}

/**
 * How long after a reading's time a movement may still be on either side of it: ConnectPSP's times are whole
 * seconds, and ours (a payout accepted, a refund made) are when its answer reached us.
 */
export const BOUNDARY_MS = 2000;
/** Past this many movements at a span's edges, the ways to split them are too many to tell anything. */
const MAX_AMBIGUOUS = 14;
/** The unexplained amounts looked for at most (the smallest first). */
const MAX_AMOUNTS = 16;

export interface Explanation {
  /** Money moved that no published movement explains, for every way the edge movements may fall (centavos). */
  unexplainedCentavos: number[];
  /** True when some way of splitting the edge movements explains the whole change. */
  explained: boolean;
  /** True when too many movements sit at the edges to tell: the span is left to the age checkpoints. */
  undecided: boolean;
}

/** Whether the balance change from `from` to `to` is explained by `movements` (those published around the span). */
export function explainBalanceChange(
  from: BalanceReading,
  to: BalanceReading,
  movements: readonly Movement[],
): Explanation {
  const start = Date.parse(from.at);
  const end = Date.parse(to.at);
  const atEdge = (t: number, edge: number) => t >= edge && t < edge + BOUNDARY_MS;
  let inside = 0;
  const ambiguous: number[] = [];
  for (const m of movements) {
    if (atEdge(m.at, start) || atEdge(m.at, end)) ambiguous.push(m.centavos);
    else if (m.at > start && m.at < end) inside += m.centavos;
  }
  if (ambiguous.length > MAX_AMBIGUOUS) return { unexplainedCentavos: [], explained: false, undecided: true };
  const base = to.totalCentavos - from.totalCentavos - inside;
  let possible = new Set([base]);
  for (const centavos of ambiguous) possible = new Set([...possible, ...[...possible].map((u) => u - centavos)]);
  const explained = possible.has(0);
  const unexplainedCentavos = explained
    ? []
    : [...possible]
        .filter((u) => u !== 0)
        .sort((a, b) => Math.abs(a) - Math.abs(b) || b - a)
        .slice(0, MAX_AMOUNTS);
  return { unexplainedCentavos, explained, undecided: false };
}

/**
 * The lifecycles of this task queue, running or closed, that published a movement from `startMs` to `endMs`
 * plus the edge allowance.
 */
export function movementsQuery(taskQueue: string, startMs: number, endMs: number): string {
  const from = new Date(startMs).toISOString();
  const to = new Date(endMs + BOUNDARY_MS).toISOString();
  const within = (attribute: string) => `(${attribute} >= '${from}' AND ${attribute} < '${to}')`;
  return (
    `WorkflowType IN ('cashIn', 'cashOut') AND TaskQueue = '${taskQueue}' AND ` +
    `(${within('PaymentCreditedAt')} OR ${within('PaymentDebitedAt')})`
  );
}

/**
 * The running lifecycles whose missed event would have credited the wallet by one of `amounts`: a cash-in not
 * known paid (its payment lost), a payout processing (a lost failure) or completed (a lost return).
 */
export function suspectsQuery(runningLifecycles: string, amounts: readonly number[]): string {
  const credits = amounts.filter((a) => a > 0 && Number.isSafeInteger(a));
  return (
    `${runningLifecycles} AND PaymentPspId IS NOT NULL AND PaymentAmountCentavos IN (${credits.join(', ')}) AND (` +
    `(PaymentKind = 'CASH_IN' AND PaymentStatus IN ('AWAITING_PAYMENT', 'EXPIRED', 'CANCELLED')) OR ` +
    `(PaymentKind = 'CASH_OUT' AND PaymentStatus IN ('PROCESSING', 'COMPLETED')))`
  );
}

/**
 * The next watch after a new reading: the span (explainedUntil, latest] is explained now, and the new reading
 * waits a pass. A reading that did not move on (ConnectPSP served the same snapshot) changes nothing.
 */
export function nextWatch(
  watch: BalanceWatch,
  reading: BalanceReading,
): { span?: { from: BalanceReading; to: BalanceReading }; next: BalanceWatch } {
  if (watch.latest && Date.parse(reading.at) <= Date.parse(watch.latest.at)) return { next: watch };
  const span = watch.explainedUntil && watch.latest ? { from: watch.explainedUntil, to: watch.latest } : undefined;
  return { span, next: { explainedUntil: watch.latest, latest: reading } };
}

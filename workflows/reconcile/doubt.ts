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
  /** A span left unexplained by more than one lifecycle's amount, still being swept. */
  sweep?: OutageSweep;
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
 * The lifecycles whose missed event would credit the wallet: a cash-in not known paid (its payment lost), a payout
 * processing (a lost failure) or completed (a lost return).
 */
const CREDITABLE = {
  CASH_IN: `(PaymentKind = 'CASH_IN' AND PaymentStatus IN ('AWAITING_PAYMENT', 'EXPIRED', 'CANCELLED'))`,
  CASH_OUT: `(PaymentKind = 'CASH_OUT' AND PaymentStatus IN ('PROCESSING', 'COMPLETED'))`,
} as const;

/** The running lifecycles whose missed event would have credited the wallet by exactly one of `amounts`. */
export function suspectsQuery(runningLifecycles: string, amounts: readonly number[]): string {
  const credits = amounts.filter((a) => a > 0 && Number.isSafeInteger(a));
  return (
    `${runningLifecycles} AND PaymentPspId IS NOT NULL AND PaymentAmountCentavos IN (${credits.join(', ')}) AND ` +
    `(${CREDITABLE.CASH_IN} OR ${CREDITABLE.CASH_OUT})`
  );
}

/**
 * An outage sweep: several events lost in a span add up to an amount no single lifecycle has, so the pass goes
 * through every running lifecycle of `kind` whose lost event could be part of it (at most that amount), as many as
 * the request ceiling leaves room for in each pass, carrying visibility's page token from pass to pass. Each pass
 * first explains the span again, with the movements the repairs have published since: the sweep ends when nothing
 * is left over, and what is left that is one lifecycle's amount is looked up at once (a suspect). Cash-ins go first:
 * a payment lost later in a cash-in's life is what the age checkpoints find late; payouts' lost failures and
 * returns come next (their checkpoints find them within target too).
 */
export interface OutageSweep {
  /** The span being explained: from the reading before the first unexplained span to the latest merged in. */
  from: BalanceReading;
  to: BalanceReading;
  /** The largest credit left over when this round began: lifecycles of more than this cannot be part of it. */
  upToCentavos: number;
  kind: 'CASH_IN' | 'CASH_OUT';
  /** Visibility's page token where the round stands (base64); absent at the start of a kind. */
  pageToken?: string;
  /** Looked up and repaired in this round. */
  checked: number;
  repaired: number;
  /** Every candidate of both kinds was listed: the next pass starts another round, or gives up. */
  roundDone?: boolean;
  /** Lifecycles of the exact amount were found: they are looked up first, and the sweep waits one pass. */
  waiting?: boolean;
}

/** What the wallet's sweep does in a pass, for the report. */
export type SweepState = 'waiting' | 'sweeping' | 'ended' | 'gave up';

/** The span a pass explains: a sweep's span grows with each new one until it is explained. */
export function spanToExplain(
  watch: BalanceWatch,
  span: { from: BalanceReading; to: BalanceReading } | undefined,
): { from: BalanceReading; to: BalanceReading } | undefined {
  if (!watch.sweep) return span;
  return { from: watch.sweep.from, to: span?.to ?? watch.sweep.to };
}

/**
 * Whether the pass sweeps, after explaining `span`: it starts when money is left over and no lifecycle has the
 * exact amount (or those that do did not explain it), goes on while money is left over, starts another round when
 * the last repaired something (an outage still going on), and gives up after a round that repaired nothing (money
 * that moved with no lifecycle behind it: the age checkpoints stay).
 */
export function nextSweep(
  previous: OutageSweep | undefined,
  span: { from: BalanceReading; to: BalanceReading },
  explanation: Explanation,
  suspects: number,
): { sweep?: OutageSweep; state?: SweepState } {
  const credits = explanation.unexplainedCentavos.filter((c) => c > 0);
  if (explanation.explained || explanation.undecided || credits.length === 0) {
    return previous ? { state: 'ended' } : {};
  }
  const round: OutageSweep = {
    from: span.from,
    to: span.to,
    upToCentavos: Math.max(...credits),
    kind: 'CASH_IN',
    checked: 0,
    repaired: 0,
  };
  if (!previous)
    return suspects > 0
      ? { sweep: { ...round, waiting: true }, state: 'waiting' }
      : { sweep: round, state: 'sweeping' };
  if (!previous.roundDone) {
    const { waiting: _, ...going } = previous;
    return { sweep: { ...going, from: span.from, to: span.to }, state: 'sweeping' };
  }
  return previous.repaired > 0 ? { sweep: round, state: 'sweeping' } : { state: 'gave up' };
}

/** The sweep after a page of candidates was looked up: the next page, the next kind, or the round done. */
export function afterPage(
  sweep: OutageSweep,
  page: { nextPageToken?: string; checked: number; repaired: number },
): OutageSweep {
  const counted = { ...sweep, checked: sweep.checked + page.checked, repaired: sweep.repaired + page.repaired };
  if (page.nextPageToken) return { ...counted, pageToken: page.nextPageToken };
  const { pageToken: _, ...rest } = counted;
  return sweep.kind === 'CASH_IN' ? { ...rest, kind: 'CASH_OUT' } : { ...rest, roundDone: true };
}

/** The running lifecycles of one kind whose lost event could be part of a credit of `upToCentavos`. */
export function sweepQuery(runningLifecycles: string, sweep: Pick<OutageSweep, 'kind' | 'upToCentavos'>): string {
  return (
    `${runningLifecycles} AND PaymentPspId IS NOT NULL AND PaymentAmountCentavos <= ${Math.floor(sweep.upToCentavos)} ` +
    `AND ${CREDITABLE[sweep.kind]}`
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
  return { span, next: { explainedUntil: watch.latest, latest: reading, ...(watch.sweep && { sweep: watch.sweep }) } };
}

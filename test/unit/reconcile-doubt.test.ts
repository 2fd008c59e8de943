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
  type Explanation,
} from '../../workflows/reconcile/doubt.js';

const from: BalanceReading = { at: '2026-12-04T12:00:00Z', totalCentavos: 1_000_00 };
const to: BalanceReading = { at: '2026-12-04T12:00:30Z', totalCentavos: 1_000_00 + 25_90 - 40_00 };
const at = (iso: string) => Date.parse(iso);

test('a change the published movements add up to is explained', () => {
  const movements = [
    { at: at('2026-12-04T12:00:10Z'), centavos: 25_90 },
    { at: at('2026-12-04T12:00:20.500Z'), centavos: -40_00 },
    // Before the span and after it: not counted.
    { at: at('2026-12-04T11:59:50Z'), centavos: 99_00 },
    { at: at('2026-12-04T12:00:45Z'), centavos: -7_00 },
  ];
  expect(explainBalanceChange(from, to, movements)).toEqual({
    unexplainedCentavos: [],
    explained: true,
    undecided: false,
  });
});

test('a credit no lifecycle published is left over, with its amount', () => {
  const lost = { ...to, totalCentavos: to.totalCentavos + 15_37 };
  const movements = [
    { at: at('2026-12-04T12:00:10Z'), centavos: 25_90 },
    { at: at('2026-12-04T12:00:20Z'), centavos: -40_00 },
  ];
  expect(explainBalanceChange(from, lost, movements)).toEqual({
    unexplainedCentavos: [15_37],
    explained: false,
    undecided: false,
  });
});

test('a movement in the same second as a reading may fall on either side: every split is weighed', () => {
  // Paid in the second the first reading was taken: ConnectPSP's times are whole seconds.
  const edge = { at: at('2026-12-04T12:00:00Z'), centavos: 10_00 };
  const before = { ...to, totalCentavos: 1_000_00 }; // the payment was already in the first reading
  expect(explainBalanceChange(from, before, [edge]).explained).toBe(true);
  const after = { ...to, totalCentavos: 1_010_00 }; // or it came after it
  expect(explainBalanceChange(from, after, [edge]).explained).toBe(true);
  // A lost 5,00 next to it leaves either 5,00 or 15,00 over, the smallest first.
  const lost = { ...to, totalCentavos: 1_015_00 };
  expect(explainBalanceChange(from, lost, [edge]).unexplainedCentavos).toEqual([5_00, 15_00]);
});

test('too many movements at the edges to split is undecided, not a guess', () => {
  const crowd = Array.from({ length: 15 }, (_, i) => ({ at: at('2026-12-04T12:00:30Z') + i, centavos: 100 + i }));
  expect(explainBalanceChange(from, to, crowd)).toMatchObject({ undecided: true, explained: false });
});

test('a reading waits one pass before its span is explained; a stale snapshot changes nothing', () => {
  const r1 = { at: '2026-12-04T12:00:00Z', totalCentavos: 1 };
  const r2 = { at: '2026-12-04T12:00:30Z', totalCentavos: 2 };
  const r3 = { at: '2026-12-04T12:01:00Z', totalCentavos: 3 };
  const first = nextWatch({}, r1);
  expect(first).toEqual({ span: undefined, next: { explainedUntil: undefined, latest: r1 } });
  const second = nextWatch(first.next, r2);
  expect(second).toEqual({ span: undefined, next: { explainedUntil: r1, latest: r2 } });
  const third = nextWatch(second.next, r3);
  expect(third).toEqual({ span: { from: r1, to: r2 }, next: { explainedUntil: r2, latest: r3 } });
  expect(nextWatch(third.next, { ...r3 })).toEqual({ next: third.next });
});

test('the queries: movements of running and closed lifecycles around the span; suspects by amount', () => {
  const movements = movementsQuery('pix', at(from.at), at(to.at));
  expect(movements).toContain(
    "PaymentCreditedAt >= '2026-12-04T12:00:00.000Z' AND PaymentCreditedAt < '2026-12-04T12:00:32.000Z'",
  );
  expect(movements).not.toContain('ExecutionStatus');
  const suspects = suspectsQuery("ExecutionStatus = 'Running'", [15_37, -3_00, 5_00]);
  expect(suspects).toContain('PaymentAmountCentavos IN (1537, 500)');
  expect(suspects).toContain("PaymentStatus IN ('AWAITING_PAYMENT', 'EXPIRED', 'CANCELLED')");
});

describe('the outage sweep', () => {
  const span = { from, to };
  const leftOver = (...unexplainedCentavos: number[]): Explanation => ({
    unexplainedCentavos,
    explained: false,
    undecided: false,
  });
  const explained: Explanation = { unexplainedCentavos: [], explained: true, undecided: false };

  test('starts when money is left over that no single lifecycle has, cash-ins first, up to the largest amount', () => {
    expect(nextSweep(undefined, span, leftOver(3_305_46, 3_315_46), 0)).toEqual({
      sweep: { from, to, upToCentavos: 3_315_46, kind: 'CASH_IN', checked: 0, repaired: 0 },
      state: 'sweeping',
    });
    // Lifecycles of the exact amount go first: the sweep waits a pass for them.
    expect(nextSweep(undefined, span, leftOver(15_37), 1)).toMatchObject({
      sweep: { waiting: true },
      state: 'waiting',
    });
    // Nothing to sweep for: explained, undecided, or only money out (every debit is ours, none is lost).
    expect(nextSweep(undefined, span, explained, 0)).toEqual({});
    expect(nextSweep(undefined, span, leftOver(-40_00), 0)).toEqual({});
    expect(nextSweep(undefined, span, { ...leftOver(), undecided: true }, 0)).toEqual({});
  });

  test('goes on page by page over a span that grows, and ends once the span is explained', () => {
    const started = nextSweep(undefined, span, leftOver(100_00), 0).sweep!;
    const paged = afterPage(started, { nextPageToken: 'dG9rZW4=', checked: 299, repaired: 3 });
    expect(paged).toMatchObject({ kind: 'CASH_IN', pageToken: 'dG9rZW4=', checked: 299, repaired: 3 });

    const later: BalanceReading = { at: '2026-12-04T12:01:00Z', totalCentavos: 0 };
    const grown = spanToExplain({ sweep: paged }, { from: to, to: later });
    expect(grown).toEqual({ from, to: later });
    // A pass whose reading did not move on still explains the sweep's span again.
    expect(spanToExplain({ sweep: paged }, undefined)).toEqual({ from, to });
    expect(spanToExplain({}, undefined)).toBeUndefined();

    const going = nextSweep({ ...paged, waiting: true }, grown!, leftOver(40_00), 0);
    expect(going).toEqual({ sweep: { ...paged, to: later }, state: 'sweeping' });
    expect(nextSweep(paged, grown!, explained, 0)).toEqual({ state: 'ended' });
  });

  test('after the cash-ins, the payouts; after a round, another only if the last one repaired something', () => {
    const started = nextSweep(undefined, span, leftOver(100_00), 0).sweep!;
    const payouts = afterPage(started, { checked: 10, repaired: 1 });
    expect(payouts).toMatchObject({ kind: 'CASH_OUT', checked: 10, repaired: 1 });
    expect(payouts.pageToken).toBeUndefined();
    const done = afterPage(payouts, { checked: 5, repaired: 0 });
    expect(done).toMatchObject({ kind: 'CASH_OUT', checked: 15, repaired: 1, roundDone: true });

    // Money still left over after a round that repaired: another round, from the amount left now.
    expect(nextSweep(done, span, leftOver(60_00), 0)).toEqual({
      sweep: { from, to, upToCentavos: 60_00, kind: 'CASH_IN', checked: 0, repaired: 0 },
      state: 'sweeping',
    });
    // A round that repaired nothing: money moved with no lifecycle behind it; the age checkpoints stay.
    expect(nextSweep({ ...done, repaired: 0 }, span, leftOver(60_00), 0)).toEqual({ state: 'gave up' });
  });

  test('lists one kind of running lifecycle whose lost event would credit at most the amount', () => {
    const cashIns = sweepQuery("ExecutionStatus = 'Running'", { kind: 'CASH_IN', upToCentavos: 3_305_46 });
    expect(cashIns).toContain('PaymentAmountCentavos <= 330546');
    expect(cashIns).toContain(
      "PaymentKind = 'CASH_IN' AND PaymentStatus IN ('AWAITING_PAYMENT', 'EXPIRED', 'CANCELLED')",
    );
    expect(cashIns).not.toContain('CASH_OUT');
    const payouts = sweepQuery("ExecutionStatus = 'Running'", { kind: 'CASH_OUT', upToCentavos: 40_00 });
    expect(payouts).toContain("PaymentKind = 'CASH_OUT' AND PaymentStatus IN ('PROCESSING', 'COMPLETED')");
  });
});

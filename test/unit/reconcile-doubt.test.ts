import {
  explainBalanceChange,
  movementsQuery,
  nextWatch,
  suspectsQuery,
  type BalanceReading,
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

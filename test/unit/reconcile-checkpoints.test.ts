import {
  DEFAULT_CHECKPOINTS,
  dueAt,
  dueLifecyclesQuery,
  dueStartRanges,
  longestWaitMinutes,
  lookupsBetween,
  planFor,
  scaledCheckpoints,
  type CheckpointPlan,
} from '../../workflows/reconcile/checkpoints.js';

const MINUTE = 60_000;
const HOUR = 60;
const plan = (kind: string, status: string): CheckpointPlan => planFor(DEFAULT_CHECKPOINTS, kind, status)!;
/** Passes every 30 s: a lost event waits for the next checkpoint, then for the pass that sees it crossed. */
const PASS_MINUTES = 0.5;

test('a 24-hour cash-in that is never paid costs at most 30 lookups over its whole life, late window included', () => {
  const awaiting = lookupsBetween(plan('CASH_IN', 'AWAITING_PAYMENT'), 0, 24 * HOUR);
  const lateWindow = lookupsBetween(plan('CASH_IN', 'EXPIRED'), 24 * HOUR, 48 * HOUR);
  const deadlineCheck = 1; // the workflow asks ConnectPSP itself at the deadline
  expect(awaiting).toBe(24);
  expect(awaiting + lateWindow + deadlineCheck).toBeLessThanOrEqual(30);
});

test('a payout that completes at once costs at most 40 lookups over its 7-day return window', () => {
  const processing = lookupsBetween(plan('CASH_OUT', 'PROCESSING'), 0, 2);
  const returnWindow = lookupsBetween(plan('CASH_OUT', 'COMPLETED'), 2, 2 + 7 * 24 * HOUR);
  const ownChecks = 2; // the workflow's first poll, and its check at the end of the window
  expect(returnWindow).toBeLessThanOrEqual(31);
  expect(processing + returnWindow + ownChecks).toBeLessThanOrEqual(40);
});

test('the checkpoints find a lost event within the targets: 3 min early in a life, 6 h for a return', () => {
  expect(longestWaitMinutes(plan('CASH_IN', 'AWAITING_PAYMENT'), 0, 30) + PASS_MINUTES).toBeLessThanOrEqual(3);
  expect(longestWaitMinutes(plan('CASH_OUT', 'PROCESSING'), 0, 60) + PASS_MINUTES).toBeLessThanOrEqual(3);
  expect(longestWaitMinutes(plan('CASH_OUT', 'COMPLETED'), 0, 7 * 24 * HOUR) + PASS_MINUTES).toBeLessThan(6 * HOUR);
  // Later in a cash-in's life, age alone cannot meet 30 min within 30 lookups: the widest wait is 3 h (the last
  // 2 h of a 24-hour charge end at the workflow's own check at the deadline).
  expect(longestWaitMinutes(plan('CASH_IN', 'AWAITING_PAYMENT'), 30, 22 * HOUR)).toBe(180);
});

test('a lifecycle is due in the one pass whose span its checkpoint age falls in, never in the next', () => {
  const cashIn = plan('CASH_IN', 'AWAITING_PAYMENT');
  const started = Date.parse('2026-12-04T10:00:00Z');
  const fourMinutesOld = started + 4 * MINUTE;
  expect(dueAt(cashIn, started, fourMinutesOld - 30_000, fourMinutesOld)).toBe(fourMinutesOld);
  expect(dueAt(cashIn, started, fourMinutesOld, fourMinutesOld + 30_000)).toBeUndefined();
  // A pass that ran late covers the whole gap: the latest checkpoint crossed decides, once.
  expect(dueAt(cashIn, started, started, started + 9 * MINUTE)).toBe(started + 8 * MINUTE);
});

test('the due start-time ranges of a pass are the pass span shifted back by each checkpoint age, merged', () => {
  const only: CheckpointPlan = { kind: 'CASH_OUT', statuses: ['COMPLETED'], agesMinutes: [10, 20] };
  const since = Date.parse('2026-12-04T10:00:00Z');
  const [short] = dueStartRanges([only], since, since + MINUTE);
  expect(short!.ranges).toEqual([
    { after: since - 20 * MINUTE, upTo: since - 19 * MINUTE },
    { after: since - 10 * MINUTE, upTo: since - 9 * MINUTE },
  ]);
  // After a 15-minute outage the two ranges overlap and become one clause.
  const [long] = dueStartRanges([only], since, since + 15 * MINUTE);
  expect(long!.ranges).toEqual([{ after: since - 20 * MINUTE, upTo: since + 5 * MINUTE }]);
});

test('one visibility query asks for every due lifecycle of the task queue, by kind, status and start time', () => {
  const since = Date.parse('2026-12-04T10:00:00Z');
  const query = dueLifecyclesQuery(DEFAULT_CHECKPOINTS, since, since + 30_000, 'pix-payments')!;
  expect(query).toContain(`ExecutionStatus = 'Running'`);
  expect(query).toContain(`TaskQueue = 'pix-payments'`);
  expect(query).toContain(`(PaymentKind = 'CASH_IN' AND PaymentStatus IN ('AWAITING_PAYMENT')`);
  expect(query).toContain(`(PaymentKind = 'CASH_OUT' AND PaymentStatus IN ('COMPLETED')`);
  expect(query).toContain(`StartTime > '2026-12-04T09:58:00.000Z' AND StartTime <= '2026-12-04T09:58:30.000Z'`);
  expect(dueLifecyclesQuery(DEFAULT_CHECKPOINTS, since, since, 'pix-payments')).toBeUndefined();
});

test('scaled checkpoints keep their order and counts', () => {
  const scaled = scaledCheckpoints(DEFAULT_CHECKPOINTS, 1 / 60);
  expect(scaled.map((p) => p.agesMinutes.length)).toEqual(DEFAULT_CHECKPOINTS.map((p) => p.agesMinutes.length));
  expect(planFor(scaled, 'CASH_OUT', 'COMPLETED')!.agesMinutes[0]).toBeCloseTo(5.5);
  expect(planFor(scaled, 'CASH_IN', 'PAID')).toBeUndefined();
});

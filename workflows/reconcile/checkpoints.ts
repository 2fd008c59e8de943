/**
 * When the reconciliation looks a lifecycle up: at fixed ages (time since its workflow started), chosen per kind and
 * status. A pass covering (since, until] looks up exactly the lifecycles whose age crossed one of their status's
 * checkpoints in that span, so each lifecycle costs one ConnectPSP lookup per checkpoint it lives through, however
 * often passes run. Plain arithmetic, no I/O: used by the pass's activity and checked by unit tests.
 */

const MINUTE = 60_000;

export type CheckpointKind = 'CASH_IN' | 'CASH_OUT';

/** The ages (in minutes since start) at which lifecycles of this kind, in one of these statuses, are looked up. */
export interface CheckpointPlan {
  kind: CheckpointKind;
  statuses: readonly string[];
  agesMinutes: readonly number[];
}

/** `every` minutes from `every` up to `until` inclusive. */
function every(stepMinutes: number, untilMinutes: number, fromMinutes = stepMinutes): number[] {
  const ages: number[] = [];
  for (let age = fromMinutes; age <= untilMinutes + 1e-9; age += stepMinutes) ages.push(age);
  return ages;
}

const WEEK = 7 * 24 * 60;

/**
 * The defaults. With passes every 30 s, a checkpoint every 2 min finds a lost event within 2.5 min (+ the lookup):
 * - a cash-in awaiting payment: every 2 min in its first 30 min (when almost every payment happens), then 9 more
 *   checks at most 3 h apart until its 24th hour, then every 6 h for longer charges. With the workflow's own check
 *   at the deadline, a 24-hour charge costs 25 lookups;
 * - an expired or cancelled cash-in, watched for a late payment: 3 checks over its late-payment window;
 * - a refund in progress: every 2 min in the lifecycle's first 30 min, then sparser;
 * - a payout in progress: every 2 min in its first hour (the workflow also asks at growing intervals);
 * - a completed payout inside its return window: every 5.5 h (30 lookups over 7 days), so a return is found
 *   within 6 h.
 */
export const DEFAULT_CHECKPOINTS: readonly CheckpointPlan[] = [
  {
    kind: 'CASH_IN',
    statuses: ['AWAITING_PAYMENT'],
    agesMinutes: [...every(2, 30), 90, 180, 300, 420, 600, 780, 960, 1140, 1320, ...every(360, WEEK, 1680)],
  },
  { kind: 'CASH_IN', statuses: ['EXPIRED', 'CANCELLED'], agesMinutes: [1500, 2160, 2820] },
  { kind: 'CASH_IN', statuses: ['REFUNDING'], agesMinutes: [...every(2, 30), 60, 120, 240, ...every(360, WEEK)] },
  { kind: 'CASH_OUT', statuses: ['PROCESSING'], agesMinutes: [...every(2, 60), ...every(120, WEEK, 180)] },
  { kind: 'CASH_OUT', statuses: ['COMPLETED'], agesMinutes: every(330, WEEK + 330) },
];

/** The plans with every age multiplied by `scale` (tests, chaos and the bench live through days in minutes). */
export function scaledCheckpoints(plans: readonly CheckpointPlan[], scale: number): CheckpointPlan[] {
  return plans.map((plan) => ({ ...plan, agesMinutes: plan.agesMinutes.map((age) => age * scale) }));
}

/** A span of start times, `(after, upTo]` in epoch ms: the lifecycles that reached one checkpoint age in the pass. */
export interface StartRange {
  after: number;
  upTo: number;
}

/** For each plan, the start-time ranges of the lifecycles due in the pass `(since, until]`. */
export function dueStartRanges(
  plans: readonly CheckpointPlan[],
  since: number,
  until: number,
): { plan: CheckpointPlan; ranges: StartRange[] }[] {
  return plans.map((plan) => ({
    plan,
    ranges: mergeRanges(plan.agesMinutes.map((age) => ({ after: since - age * MINUTE, upTo: until - age * MINUTE }))),
  }));
}

/** Overlapping or touching ranges merged: a long gap between passes makes one query clause out of many. */
function mergeRanges(ranges: StartRange[]): StartRange[] {
  const sorted = ranges.filter((r) => r.upTo > r.after).sort((a, b) => a.after - b.after);
  const merged: StartRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.after <= last.upTo) last.upTo = Math.max(last.upTo, range.upTo);
    else merged.push({ ...range });
  }
  return merged;
}

/**
 * The visibility query for the lifecycles due in `(since, until]`: running on `taskQueue`, of a planned kind and
 * status, started inside one of the ranges. One query, so one listing per pass whatever the number of checkpoints.
 */
export function dueLifecyclesQuery(
  plans: readonly CheckpointPlan[],
  since: number,
  until: number,
  taskQueue: string,
): string | undefined {
  const clauses = dueStartRanges(plans, since, until)
    .filter(({ ranges }) => ranges.length > 0)
    .map(({ plan, ranges }) => {
      const statuses = plan.statuses.map((s) => `'${s}'`).join(', ');
      const starts = ranges
        .map((r) => `(StartTime > '${iso(r.after)}' AND StartTime <= '${iso(r.upTo)}')`)
        .join(' OR ');
      return `(PaymentKind = '${plan.kind}' AND PaymentStatus IN (${statuses}) AND (${starts}))`;
    });
  if (clauses.length === 0) return undefined;
  return `${runningLifecycles(taskQueue)} AND (${clauses.join(' OR ')})`;
}

/**
 * The running cash-ins and cash-outs of one task queue: the ones this deployment's workers run and its ConnectPSP
 * account knows (another deployment may share the namespace).
 */
export function runningLifecycles(taskQueue: string): string {
  return `ExecutionStatus = 'Running' AND WorkflowType IN ('cashIn', 'cashOut') AND TaskQueue = '${taskQueue}'`;
}

/**
 * When a lifecycle started at `startedAt` became due in `(since, until]`: the latest of its checkpoints crossed
 * there, or undefined when none was. Orders a pass's work (oldest due first) and tells where a pass cut short by
 * its budget stopped.
 */
export function dueAt(plan: CheckpointPlan, startedAt: number, since: number, until: number): number | undefined {
  let due: number | undefined;
  for (const age of plan.agesMinutes) {
    const at = startedAt + age * MINUTE;
    if (at > since && at <= until && (due === undefined || at > due)) due = at;
  }
  return due;
}

/** The plan that decides for a lifecycle of this kind in this status, if any. */
export function planFor(
  plans: readonly CheckpointPlan[],
  kind: string | undefined,
  status: string | undefined,
): CheckpointPlan | undefined {
  return plans.find((p) => p.kind === kind && status !== undefined && p.statuses.includes(status));
}

/** How many checkpoints a lifecycle in one status lives through between two ages (minutes, `(from, to]`). */
export function lookupsBetween(plan: CheckpointPlan, fromMinutes: number, toMinutes: number): number {
  return plan.agesMinutes.filter((age) => age > fromMinutes && age <= toMinutes).length;
}

/** The longest a lost event can wait for a checkpoint between two ages: the widest gap between checkpoints there. */
export function longestWaitMinutes(plan: CheckpointPlan, fromMinutes: number, toMinutes: number): number {
  const ages = [fromMinutes, ...plan.agesMinutes.filter((a) => a > fromMinutes && a < toMinutes)];
  ages.push(plan.agesMinutes.find((a) => a >= toMinutes) ?? Infinity);
  let widest = 0;
  for (let i = 1; i < ages.length; i++) widest = Math.max(widest, ages[i]! - ages[i - 1]!);
  return widest;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

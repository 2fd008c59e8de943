import type { Client } from '@temporalio/client';

/**
 * Runs `call` against Temporal with `ms` to answer. Resolves `undefined` when the time ran out, so that a stalled
 * worker or an unreachable Temporal never holds a request for long. Both bounds are needed: the deadline stops
 * the client's own retries of an unreachable server (an abort alone does not), the abort ends a long poll at
 * once. Errors other than running out of time are thrown as they come.
 */
export async function withinBudget<T>(
  temporal: Client,
  ms: number,
  call: () => Promise<T>,
): Promise<{ value: T } | undefined> {
  const deadline = Date.now() + ms;
  const signal = AbortSignal.timeout(ms);
  try {
    return { value: await temporal.withDeadline(deadline, () => temporal.withAbortSignal(signal, call)) };
  } catch (err) {
    if (signal.aborted || Date.now() >= deadline) return undefined;
    throw err;
  }
}

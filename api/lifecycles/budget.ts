import type { Client } from '@temporalio/client';

/**
 * Runs `call` against Temporal with `ms` to answer. Resolves `undefined` when the time ran out (the calls in
 * flight are cancelled), so that a stalled worker or an unreachable Temporal never holds a request for long.
 * Errors other than running out of time are thrown as they come.
 */
export async function withinBudget<T>(
  temporal: Client,
  ms: number,
  call: () => Promise<T>,
): Promise<{ value: T } | undefined> {
  const signal = AbortSignal.timeout(ms);
  try {
    return { value: await temporal.withAbortSignal(signal, call) };
  } catch (err) {
    if (signal.aborted) return undefined;
    throw err;
  }
}

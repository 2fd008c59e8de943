import { CancellationScope } from '@temporalio/workflow';

/** The timeline's words for the Temporal UI's "Request Cancellation" (the SDK does not say who sent it). */
export const CANCELLATION_REQUESTED = 'cancellation requested (Temporal UI/CLI)';

/**
 * Turns a workflow cancellation request into news for the lifecycle instead of an abort: money at ConnectPSP
 * cannot be cancelled by stopping the workflow that watches it. `lifecycle` runs shielded, so no timer or
 * activity of it is cancelled; `onRequest` hears of the request and `requested()` tells it afterwards. Must be
 * called before the workflow's first await (it reads the workflow's own scope). Commands change only once a
 * request arrives.
 */
export function handleCancellation<T>(
  onRequest: () => void,
  lifecycle: (requested: () => boolean) => Promise<T>,
): Promise<T> {
  const root = CancellationScope.current();
  root.cancelRequested.catch(onRequest);
  return CancellationScope.nonCancellable(() => lifecycle(() => root.consideredCancelled));
}

/** Runs `fn` (a handler's wait, a callback's start) so that a cancellation request does not abort it. */
export function shielded<T>(fn: () => Promise<T>): Promise<T> {
  return CancellationScope.nonCancellable(fn);
}

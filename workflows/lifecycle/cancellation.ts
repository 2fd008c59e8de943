import { CancellationScope } from '@temporalio/workflow';

/**
 * Runs a lifecycle so that a workflow cancellation request is news for it instead of an abort: money at
 * ConnectPSP cannot be cancelled by stopping the workflow that watches it. `lifecycle` runs non-cancellable, so no
 * timer or activity of it is cancelled; `onRequest` hears of the request and `requested()` tells it afterwards.
 * Must be called before the workflow's first await (it reads the workflow's own scope). Commands change only once
 * a request arrives.
 */
export function withCancellationAsNews<T>(
  onRequest: () => void,
  lifecycle: (requested: () => boolean) => Promise<T>,
): Promise<T> {
  const root = CancellationScope.current();
  root.cancelRequested.catch(onRequest);
  return CancellationScope.nonCancellable(() => lifecycle(() => root.consideredCancelled));
}

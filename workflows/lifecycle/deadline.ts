import { CancellationScope, sleep } from '@temporalio/workflow';

export interface Deadline {
  /** Whether the timer fired. */
  passed(): boolean;
  /** Cancels the timer (a no-op once it fired); resolves once the cancellation is a command. */
  cancel(): Promise<void>;
}

/**
 * A timer that is cancelled only when asked. `condition(fn, timeout)` cancels its timer as soon as `fn` holds,
 * which costs a TIMER_CANCELED event even when the run completes in that same task and Temporal would drop the
 * timer anyway. A run that waits on after waking cancels it, so it never fires into a later wait; awaiting the
 * cancellation puts it before the run's next commands, where `condition` puts it.
 */
export function deadline(ms: number): Deadline {
  let passed = false;
  const scope = new CancellationScope();
  const timer = scope
    .run(() => sleep(ms))
    .then(
      () => void (passed = true),
      () => undefined,
    );
  return {
    passed: () => passed,
    cancel: () => {
      scope.cancel();
      return timer;
    },
  };
}

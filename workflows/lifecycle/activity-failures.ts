import { ActivityFailure, ApplicationFailure, isCancellation, TemporalFailure } from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';

/**
 * A local activity's failure reaches the workflow bare (the ApplicationFailure or TimeoutFailure itself), an
 * activity task's wrapped in an ActivityFailure. Wrapped the same way, both reach the our-fault retries and the
 * refusal handling in one shape.
 */
export function asActivityFailure(activityType: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof ActivityFailure || !(err instanceof TemporalFailure) || isCancellation(err)) throw err;
    throw new ActivityFailure(err.message, activityType, undefined, RetryState.NON_RETRYABLE_FAILURE, undefined, err);
  };
}

/** ConnectPSP's refusal carried by an activity's failure (its type is the refusal's code), if it is one. */
export function refusalOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}

import { v5 as uuidv5 } from 'uuid';

/**
 * `X-Idempotency-Key` values derived from what stays the same when an operation is attempted again: the
 * workflow id and the name the workflow gives the operation. A retried activity, a worker killed mid-call and
 * a replayed workflow therefore send the same key, and ConnectPSP replays its first answer instead of creating
 * a second transaction. The attempt number and run id are deliberately not inputs.
 */

/** Fixed namespace of this project's keys; changing it would orphan every in-flight operation's key. */
export const IDEMPOTENCY_NAMESPACE = '5b3c1f0e-8a7d-4f2b-9c61-2d4e7a9b0c13';

export function idempotencyKey(workflowId: string, operation: string): string {
  if (workflowId === '' || operation === '') {
    throw new TypeError('An idempotency key needs a non-empty workflow id and operation name');
  }
  // JSON keeps the two parts apart: ('a:b', 'c') and ('a', 'b:c') must not collide.
  return uuidv5(JSON.stringify([workflowId, operation]), IDEMPOTENCY_NAMESPACE);
}

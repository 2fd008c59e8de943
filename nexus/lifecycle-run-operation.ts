import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TemporalOperationHandler, TemporalOperationResult, type WorkflowStartOptions } from '@temporalio/nexus';
import { HandlerError } from 'nexus-rpc';
import type { LifecycleInput, LifecycleView, MaybeStale, NewLifecycle } from '../api/lifecycles/lifecycle-workflows.js';
import { mappingErrors } from './handler-error.js';

/** What an asynchronous lifecycle operation needs of the API: its create, and how its workflow is started. */
export interface LifecycleRun<V extends LifecycleView, N extends NewLifecycle> {
  create: (body: unknown) => Promise<{ view: MaybeStale<V>; input: N }>;
  workflow: (input: LifecycleInput<V, N>) => Promise<V>;
  startOptions: (input: N) => WorkflowStartOptions<(input: LifecycleInput<V, N>) => Promise<V>>;
}

/**
 * An operation backed by a lifecycle's run, completing with the view the run returns when it closes.
 *
 * First the API's own create (validation, idempotency on `externalReference`, a different body for the same
 * reference refused, ConnectPSP's refusal), so a caller hears at once what a service hears from the HTTP API.
 * Then the operation attaches to the running run (`USE_EXISTING`: the server adds our completion callback to
 * it, never starts a second lifecycle). A run that has already closed is never started again
 * (`REJECT_DUPLICATE`): the operation then answers at once with its final view.
 *
 * Cancelling the operation does not cancel the payment: several callers may await the same lifecycle, and a
 * charge or payout is cancelled by an operator only.
 */
export function lifecycleRunOperation<I, V extends LifecycleView, N extends NewLifecycle>(
  lifecycle: () => LifecycleRun<V, N>,
): TemporalOperationHandler<I, V> {
  return new TemporalOperationHandler<I, V>({
    start: (_ctx, nexusClient, body) =>
      mappingErrors(async () => {
        const { create, workflow, startOptions } = lifecycle();
        const { view, input } = await create(body);
        try {
          return await nexusClient.startWorkflow(workflow, startOptions(input));
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          const { stale: _stale, ...finalView } = view;
          return TemporalOperationResult.sync(finalView as V);
        }
      }),
    cancelWorkflowRun: async () => {
      throw new HandlerError(
        'NOT_IMPLEMENTED',
        'A payment is not cancelled by the workflow awaiting it; an operator cancels it (see docs/OPERATIONS.md)',
      );
    },
  });
}

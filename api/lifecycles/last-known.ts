import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { PaymentAttention, PaymentStatus } from '../../workflows/search-attributes.js';

/** What Temporal itself holds about a run, readable without a worker: for a view marked `stale`. */
export interface LastKnown<I> {
  /** The run's start input, decoded with the client's data converter. */
  input: I;
  /** `PaymentStatus` as the workflow last published it. */
  status: string | undefined;
  /** `PaymentAttention`: the code of our own fault the run is parked on, if any. */
  attentionCode: string | undefined;
  startedAt: string;
}

/** Reads the run's search attributes and, from the first event of its history, its start input. */
export async function lastKnown<I>(temporal: Client, description: WorkflowExecutionDescription): Promise<LastKnown<I>> {
  const { history } = await temporal.workflowService.getWorkflowExecutionHistory({
    namespace: temporal.options.namespace,
    execution: { workflowId: description.workflowId, runId: description.runId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const input = await decodeFromPayloadsAtIndex<I>(temporal.options.loadedDataConverter, 0, payloads);
  const attentionCode = description.typedSearchAttributes.get(PaymentAttention);
  return {
    input,
    status: description.typedSearchAttributes.get(PaymentStatus),
    attentionCode: attentionCode === '' ? undefined : attentionCode,
    startedAt: description.startTime.toISOString(),
  };
}

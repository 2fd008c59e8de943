import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { fromPayloadsAtIndex } from '@temporalio/common';
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

/** The description's search attributes with the run's start input. */
export function lastKnown<I>(input: I, description: WorkflowExecutionDescription): LastKnown<I> {
  const attentionCode = description.typedSearchAttributes.get(PaymentAttention);
  return {
    input,
    status: description.typedSearchAttributes.get(PaymentStatus),
    attentionCode: attentionCode === '' ? undefined : attentionCode,
    startedAt: description.startTime.toISOString(),
  };
}

/** Runs whose start input this API process keeps (a few KiB each): the payments read lately. */
const KEPT_RUNS = 10_000;

/**
 * Start inputs of runs, read from the first event of each run's history once and then kept: a run's input never
 * changes, so a stale view needs no Temporal call beyond the describe when Temporal is slow or no worker answers.
 */
export class StartInputs<I> {
  private readonly kept = new Map<string, I>();

  constructor(private readonly temporal: Client) {}

  async of(description: WorkflowExecutionDescription): Promise<I> {
    const known = this.kept.get(description.runId);
    if (known !== undefined) return known;
    const { history } = await this.temporal.workflowService.getWorkflowExecutionHistory({
      namespace: this.temporal.options.namespace,
      execution: { workflowId: description.workflowId, runId: description.runId },
      maximumPageSize: 1,
    });
    const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    // Decoded as the client decodes what it reads: through its codecs (decryption), last one first.
    const { payloadCodecs, payloadConverter } = this.temporal.options.loadedDataConverter;
    let decoded = payloads ?? [];
    for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    const input = fromPayloadsAtIndex<I>(payloadConverter, 0, decoded);
    if (this.kept.size >= KEPT_RUNS) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(description.runId, input);
    return input;
  }
}

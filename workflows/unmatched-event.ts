import { setWorkflowOptions } from '@temporalio/workflow';

/** A ConnectPSP event that matched no open lifecycle, reduced to ids and amounts (no personal data). */
export interface UnmatchedEvent {
  eventType: string;
  eventAt: string;
  externalReference?: string;
  transactionId?: string;
  endToEndId?: string;
  status?: string;
  amountCentavos?: number;
  /** Why it matched nothing, for the operator. */
  reason: string;
}

/**
 * The durable record of an unmatched event: its history is the record, findable in the Temporal UI with
 * `PaymentKind = 'UNMATCHED_EVENT'`. ConnectPSP gets its 200 and stops retrying; an operator decides.
 */
export async function unmatchedEvent(event: UnmatchedEvent): Promise<UnmatchedEvent> {
  return event;
}

// Completes in its first task: it finishes on the build it started on (docs/DEPLOYMENT.md).
setWorkflowOptions({ versioningBehavior: 'PINNED' }, unmatchedEvent);

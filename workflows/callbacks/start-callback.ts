import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { deliverCallback } from './deliver-callback.js';
import type { CallbackEvent } from './types.js';

/**
 * Starts the delivery of one lifecycle event to the service's `callbackUrl` as its own workflow, abandoned
 * by the parent: a slow or broken receiver never holds up the payment, and delivery outlives the lifecycle.
 * The id is derived from the parent and the event's sequence, so a replay or a retry never sends twice.
 */
export function startCallback(url: string, event: Omit<CallbackEvent, 'id' | 'occurredAt'>): Promise<unknown> {
  const id = `callback:${workflowInfo().workflowId}:${event.sequence}`;
  return startChild(deliverCallback, {
    workflowId: id,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [{ url, event: { ...event, id, occurredAt: new Date(Date.now()).toISOString() } }],
    staticSummary: `callback ${event.type}`,
  });
}

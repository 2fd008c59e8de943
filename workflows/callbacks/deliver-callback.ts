import { proxyActivities } from '@temporalio/workflow';
import type { CallbackActivities } from '../../activities/callbacks.js';

/** A lifecycle event as services receive it: ids, status and amount only, never personal data. */
export interface CallbackEvent {
  /** Stable across delivery attempts: receivers deduplicate on it (`webhook-id`). */
  id: string;
  type: string;
  sequence: number;
  occurredAt: string;
  data: { externalReference: string; status: string; reason: string; amountCentavos: number };
}

const { deliverCallback: post } = proxyActivities<CallbackActivities>({
  startToCloseTimeout: '15 seconds',
  // Services can be down for a while; keep trying for more than a day with a growing interval.
  scheduleToCloseTimeout: '26 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

export async function deliverCallback(input: { url: string; event: CallbackEvent }): Promise<void> {
  await post(input);
}

import { proxyActivities } from '@temporalio/workflow';
import type { CallbackActivities } from '../../activities/callbacks.js';
import type { CallbackEvent } from './types.js';

const { deliverCallback: post } = proxyActivities<CallbackActivities>({
  startToCloseTimeout: '15 seconds',
  // Services can be down for a while; keep trying for more than a day with a growing interval.
  scheduleToCloseTimeout: '26 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

export async function deliverCallback(input: { url: string; event: CallbackEvent }): Promise<void> {
  await post(input);
}

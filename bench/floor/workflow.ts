import { condition, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type * as activities from './activities.js';
import { createFloorUpdate, floorPayload, paidFloorSignal } from './shared.js';

const { createCharge } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/**
 * The floor: a cash-in's shape and nothing else. The update is answered from the first workflow task, after the
 * local activity; the expiry timer is started and left pending when the payment completes the run, as a flagged
 * cash-in leaves it (no TIMER_CANCELED).
 */
export async function floorLifecycle(input: string): Promise<string> {
  const state: { charge?: string; payment?: string } = {};
  setHandler(createFloorUpdate, async () => {
    await condition(() => state.charge !== undefined);
    return state.charge!;
  });
  setHandler(paidFloorSignal, (payment) => void (state.payment = payment));

  state.charge = await createCharge(input);
  const expired = sleep('1 day').then(() => true);
  const paid = condition(() => state.payment !== undefined).then(() => false);
  return (await Promise.race([expired, paid])) ? floorPayload('expired') : floorPayload(`settled by ${state.payment}`);
}

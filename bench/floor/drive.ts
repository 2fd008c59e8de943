import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { floorLifecycle } from './workflow.js';
import { createFloorUpdate, FLOOR_TASK_QUEUE, floorPayload, floorWorkflowId, paidFloorSignal } from './shared.js';

/**
 * One floor lifecycle from the client, as the raw path drives a cash-in: update-with-start (answered once the
 * local activity ran), the payment signal, then the result. Resolves with the workflow id.
 */
export async function runFloorLifecycle(client: Client, reference: string): Promise<string> {
  const workflowId = floorWorkflowId(reference);
  await client.workflow.executeUpdateWithStart(createFloorUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation(floorLifecycle, {
      workflowId,
      taskQueue: FLOOR_TASK_QUEUE,
      args: [floorPayload(`cash-in ${reference}`)],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  const handle = client.workflow.getHandle(workflowId);
  await handle.signal(paidFloorSignal, floorPayload(`payment of ${reference}`));
  await handle.result();
  return workflowId;
}

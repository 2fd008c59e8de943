/** Caller workflows for the Nexus tests: the example's checkout, and one call of any `pix-payments` operation. */
import { createNexusServiceClient } from '@temporalio/workflow';
import type { OperationInput, OperationOutput } from 'nexus-rpc';
import { PIX_PAYMENTS_ENDPOINT, pixPaymentsService } from '../../nexus/pix-payments-service.js';

export { checkoutWithPix } from '../../examples/nexus-caller/workflow.js';

type Operations = typeof pixPaymentsService.operations;

export async function callPixPayments<K extends keyof Operations & string>(
  operation: K,
  input: OperationInput<Operations[K]>,
): Promise<OperationOutput<Operations[K]>> {
  const pixPayments = createNexusServiceClient({ endpoint: PIX_PAYMENTS_ENDPOINT, service: pixPaymentsService });
  return pixPayments.executeOperation(operation, input, { scheduleToCloseTimeout: '5 minutes' });
}

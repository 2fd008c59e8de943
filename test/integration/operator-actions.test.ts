import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { refundCashInUpdate } from '../../workflows/cash-in/messages.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** The Web UI's "Send an Update" sends whatever the operator typed: the workflow's validator is the only check. */
async function refundAsTheUiDoes(workflowId: string, input: unknown): Promise<unknown> {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  return handle.executeUpdate(refundCashInUpdate, { args: [input as never] }).catch((err: unknown) => err);
}

test('a refund sent from the UI is validated as by the API: a reason outside the list is refused', async () => {
  const externalReference = `ui-refund-${Date.now().toString(36)}`;
  const created = await stack.api('POST', '/v1/cash-ins', {
    externalReference,
    amount: '9.99',
    payer: { name: 'Ana Operadora', document: '52998224725' },
    // Manual settlement keeps the run open while PAID, where the UI can reach it.
    settlement: { mode: 'manual', windowMinutes: 60 },
  });
  await stack.sandbox('POST', `/_sandbox/cash-in/${created.body.connectPsp.transactionId}/pay`);
  await stack.waitFor(`/v1/cash-ins/${externalReference}`, (b) => b.status === 'PAID');
  const workflowId = `cash-in:${externalReference}`;

  for (const bad of [{ reason: 'BECAUSE' }, {}, { reason: 'FRAUD', description: 'x'.repeat(501) }, null]) {
    const refused = await refundAsTheUiDoes(workflowId, bad);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refused as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('INVALID_REQUEST');
  }
  expect((await stack.api('GET', `/v1/cash-ins/${externalReference}`)).body.status).toBe('PAID');

  const accepted = (await refundAsTheUiDoes(workflowId, { reason: 'CUSTOMER_REQUEST' })) as { status: string };
  expect(accepted.status).toBe('REFUNDING');
  await stack.waitFor(`/v1/cash-ins/${externalReference}`, (b) => b.status === 'REFUNDED');
});

import { cashInWorkflowId } from '../../workflows/cash-in/messages.js';
import { cashOutWorkflowId } from '../../workflows/cash-out/messages.js';
import { recordHistory } from '../support/histories.js';
import { startStack, type Stack } from '../support/stack.js';

// "Request Cancellation" in the Temporal UI is an operator's action the lifecycle handles: a charge still payable
// is marked CANCELLED and watched until it can no longer be paid (a payment that still comes is given back), a
// payout is never recalled. Either way the run completes; it is never Canceled with money left at ConnectPSP.

let stack: Stack;
let counter = 0;

beforeAll(async () => {
  stack = await startStack({
    LATE_PAYMENT_WINDOW_MINUTES: '1',
    CASH_OUT_REFUND_WINDOW_MINUTES: '1',
    CASH_OUT_FIRST_POLL_SECONDS: '1',
  });
});
afterAll(async () => {
  await stack?.stop();
});

const reference = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}`;

/** Reads the lifecycle through the API, which must answer (never a 500) whatever the operator did. */
async function read(path: string) {
  const res = await stack.api('GET', path);
  expect(res.status).toBeLessThan(500);
  return res.body;
}

test('a cancelled cash-in is CANCELLED, refunds a payment that still arrives, and completes after the window', async () => {
  const externalReference = reference('cancel-in');
  const created = await stack.api('POST', '/v1/cash-ins', {
    externalReference,
    amount: '25.90',
    expirationInMinutes: 2,
    payer: { name: 'Test User', document: '12345678909' },
  });
  expect(created.status).toBe(201);
  expect(created.body.status).toBe('AWAITING_PAYMENT');
  const handle = stack.env.client.workflow.getHandle(cashInWorkflowId(externalReference));

  await handle.cancel(); // what the UI's "Request Cancellation" sends
  const cancelled = await stack.waitFor(`/v1/cash-ins/${externalReference}`, (b) => b.status === 'CANCELLED');
  expect(cancelled.timeline.at(-1)).toMatchObject({
    status: 'CANCELLED',
    reason: 'cancellation requested (Temporal UI/CLI)',
  });
  const listed = await stack.waitFor('/v1/cash-ins?status=CANCELLED&limit=100', (x) =>
    x.items.some((i: { externalReference: string }) => i.externalReference === externalReference),
  );
  expect(listed.items.every((i: { status: string }) => i.status === 'CANCELLED')).toBe(true);

  // ConnectPSP has no cancel: the charge is still payable, and a payment for it is given back automatically.
  const paid = await stack.sandbox('POST', `/_sandbox/cash-in/${created.body.connectPsp.transactionId}/pay`);
  expect(paid.status).toBe(200);
  const refunded = await stack.waitFor(`/v1/cash-ins/${externalReference}`, (b) =>
    b.payments.some((p: { disposition: string }) => p.disposition === 'REFUNDED'),
  );
  expect(refunded.status).toBe('CANCELLED');
  expect(refunded.payments).toEqual([
    expect.objectContaining({ disposition: 'REFUNDED', refundReason: 'payment after cancellation' }),
  ]);
  expect(refunded.payments[0].refundEndToEndId).toMatch(/^D\d{8}/);
  const ledger = await stack.sandbox('GET', `/_sandbox/transactions?externalReference=${externalReference}`);
  expect(ledger.body.cashIns).toEqual([expect.objectContaining({ status: 'REFUNDED' })]);

  // Still watching until the charge can no longer be paid, then an ordinary completion.
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect((await read(`/v1/cash-ins/${externalReference}`)).status).toBe('CANCELLED');
  const result = await handle.result();
  expect(result.status).toBe('CANCELLED');
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect((await read(`/v1/cash-ins/${externalReference}`)).status).toBe('CANCELLED');
  await recordHistory(stack.env.client, handle.workflowId, 'cash-in-cancelled-payment-refunded');
}, 300_000);

test('a cancelled payout is not recalled: it follows ConnectPSP to COMPLETED and the run completes', async () => {
  const externalReference = reference('cancel-out');
  const created = await stack.api('POST', '/v1/cash-outs', {
    externalReference,
    amount: '50.00',
    description: 'User withdrawal',
    payee: {
      name: 'Maria Silva',
      document: '52998224725',
      destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '52998224725' },
    },
  });
  expect(created.status).toBe(202); // accepted: the payout is under way at ConnectPSP
  expect(created.body.status).toBe('PROCESSING');
  const handle = stack.env.client.workflow.getHandle(cashOutWorkflowId(externalReference));

  await handle.cancel();
  const noted = await stack.waitFor(`/v1/cash-outs/${externalReference}`, (b) =>
    b.timeline.some((t: { reason: string }) => t.reason.startsWith('cancellation requested (Temporal UI/CLI)')),
  );
  expect(noted.status).toBe('PROCESSING');
  expect((await handle.describe()).status.name).toBe('RUNNING');

  const completed = await stack.sandbox('POST', `/_sandbox/cash-out/${created.body.connectPsp.transactionId}/complete`);
  expect(completed.status).toBe(200);
  await stack.waitFor(`/v1/cash-outs/${externalReference}`, (b) => b.status === 'COMPLETED');
  const result = await handle.result();
  expect(result.status).toBe('COMPLETED');
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect((await read(`/v1/cash-outs/${externalReference}`)).status).toBe('COMPLETED');
  await recordHistory(stack.env.client, handle.workflowId, 'cash-out-cancelled-completed');
}, 300_000);

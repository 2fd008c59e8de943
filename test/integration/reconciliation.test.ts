import { pino } from 'pino';
import type { ReconcileReport } from '../../workflows/reconcile/types.js';
import { ensureReconcileSchedule, RECONCILE_SCHEDULE_ID } from '../../worker/reconcile-schedule.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;

beforeAll(async () => {
  // The lifecycles would find lost news themselves only much later: a cash-out polls after an hour here, a
  // cash-in at its deadline (a day), a return at the end of its window (7 days).
  stack = await startStack({ CASH_OUT_FIRST_POLL_SECONDS: '3600' });
});
afterAll(async () => {
  await stack?.stop();
});

const tag = Date.now().toString(36);
const payer = { name: 'Rita Reconcile', document: '52998224725' };

async function completedCashOut(externalReference: string): Promise<string> {
  const created = await stack.api('POST', '/v1/cash-outs', {
    externalReference,
    amount: '40.00',
    payee: { ...payer, destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: payer.document } },
  });
  expect(created.status).toBe(202);
  const transactionId = created.body.connectPsp.transactionId;
  expect((await stack.sandbox('POST', `/_sandbox/cash-out/${transactionId}/complete`)).status).toBe(200);
  await stack.waitFor(`/v1/cash-outs/${externalReference}`, (b) => b.status === 'COMPLETED');
  return transactionId;
}

async function awaitingCashIn(externalReference: string): Promise<string> {
  const created = await stack.api('POST', '/v1/cash-ins', { externalReference, amount: '15.00', payer });
  expect(created.status).toBe(201);
  return created.body.connectPsp.transactionId;
}

/** Triggers the schedule the way an operator's "Trigger" button does, and waits for that pass's report. */
async function runSchedule(): Promise<ReconcileReport> {
  const schedule = stack.env.client.schedule.getHandle(RECONCILE_SCHEDULE_ID);
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  for (;;) {
    const { recentActions } = (await schedule.describe()).info;
    if (recentActions.length > before) {
      const workflowId = recentActions.at(-1)!.action.workflow.workflowId;
      return stack.env.client.workflow.getHandle(workflowId).result();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the reconcile schedule repairs a lost CASHOUT_REFUNDED and a lost CASHIN_PAID and reports a disagreement', async () => {
  const returned = `recon-return-${tag}`;
  const paid = `recon-paid-${tag}`;
  const cancelled = `recon-cancelled-${tag}`;
  const returnedTx = await completedCashOut(returned);
  const paidTx = await awaitingCashIn(paid);
  const cancelledTx = await awaitingCashIn(cancelled);

  // From here on ConnectPSP's webhooks are lost.
  expect((await stack.sandbox('PUT', '/_sandbox/faults', { webhooks: { dropRate: 1 } })).status).toBe(200);
  expect((await stack.sandbox('POST', `/_sandbox/cash-out/${returnedTx}/refund`)).status).toBe(200);
  expect((await stack.sandbox('POST', `/_sandbox/cash-in/${paidTx}/pay`)).status).toBe(200);
  // A charge ConnectPSP cancelled on its own: no event of ours leads there, so only a report can tell.
  expect((await stack.sandbox('POST', `/_sandbox/cash-in/${cancelledTx}/cancel`)).status).toBe(200);
  expect((await stack.api('GET', `/v1/cash-outs/${returned}`)).body.status).toBe('COMPLETED');
  expect((await stack.api('GET', `/v1/cash-ins/${paid}`)).body.status).toBe('AWAITING_PAYMENT');

  await ensureReconcileSchedule(stack.env.client, stack.config, pino({ level: 'silent' }));
  const report = await runSchedule();

  expect(report.checked).toBe(3);
  expect(report.counts).toEqual({ agreed: 0, repaired: 2, disagreed: 1, unchecked: 0 });
  expect(report.repairs).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        externalReference: returned,
        kind: 'CASH_OUT',
        local: 'COMPLETED',
        remote: 'REFUNDED',
      }),
      expect.objectContaining({ externalReference: paid, kind: 'CASH_IN', local: 'AWAITING_PAYMENT', remote: 'PAID' }),
    ]),
  );
  expect(report.disagreements).toEqual([
    expect.objectContaining({ externalReference: cancelled, local: 'AWAITING_PAYMENT', remote: 'CANCELLED' }),
  ]);
  const refunded = await stack.waitFor(`/v1/cash-outs/${returned}`, (b) => b.status === 'REFUNDED');
  expect(refunded.timeline.at(-1).reason).toContain('CASHOUT_REFUNDED');
  await stack.waitFor(`/v1/cash-ins/${paid}`, (b) => b.status === 'SETTLED');
  expect(JSON.stringify(report)).not.toContain(payer.name);

  // The next pass finds the repaired ones closed and the disagreement still there, once.
  const second = await runSchedule();
  expect(second.counts).toEqual({ agreed: 0, repaired: 0, disagreed: 1, unchecked: 0 });
  await stack.sandbox('DELETE', '/_sandbox/faults');
});

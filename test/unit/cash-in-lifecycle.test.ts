import { CashInLifecycle } from '../../workflows/cash-in/lifecycle.js';
import { refusalToRefund, refusalToSettle } from '../../workflows/cash-in/refusals.js';
import type { CashInPspEvent, NewCashIn } from '../../workflows/cash-in/types.js';
import { cashInSummary, newCashInView } from '../../workflows/cash-in/view.js';

// The cash-in's rules without Temporal: every transition of PRODUCT.md §5, which payment is kept and which is
// given back and why, and the cancellation and refusal rules.

const E1 = 'E00000000202612040000000000000001';
const E2 = 'E00000000202612040000000000000002';

function newCashIn(overrides: Partial<NewCashIn> = {}) {
  const input: NewCashIn = {
    kind: 'new',
    externalReference: 'order-1',
    amountCentavos: 2590,
    expirationInMinutes: 60,
    payer: { name: 'Maria Silva', document: '52998224725' },
    settlement: { mode: 'auto', windowMinutes: 60 },
    requestFingerprint: 'fp',
    creationRequestId: 'req-1',
    latePaymentWindowMinutes: 60,
    ...overrides,
  };
  const transitions: string[] = [];
  const lifecycle = new CashInLifecycle(newCashInView(input), (reason) => transitions.push(reason));
  return { lifecycle, view: lifecycle.view, transitions };
}

function awaitingPayment(overrides: Partial<NewCashIn> = {}) {
  const cashIn = newCashIn(overrides);
  cashIn.lifecycle.chargeCreated({ transactionId: 'tx-1', internalCode: 'ic-1', copyAndPaste: '000201…' }, 60);
  return cashIn;
}

function paidEvent(endToEndId: string, amountCentavos = 2590): CashInPspEvent {
  return {
    eventType: 'CASHIN_PAID',
    eventAt: '2026-12-04T12:00:00Z',
    transactionId: 'tx-1',
    status: 'PAID',
    amountCentavos,
    endToEndId,
  };
}

const statuses = (view: { timeline: { status: string }[] }) => view.timeline.map((t) => t.status);

test('a new cash-in is CREATING, with the request in its first timeline line', () => {
  const { view } = newCashIn();
  expect(view).toMatchObject({ status: 'CREATING', amountCentavos: 2590, settlementMode: 'auto', payments: [] });
  expect(view.timeline).toEqual([{ status: 'CREATING', at: view.createdAt, reason: 'charge requested' }]);
  expect(cashInSummary(view)).toBe('**CREATING** · R$ 25.90 · ref `order-1`');
});

test('CREATING → AWAITING_PAYMENT when ConnectPSP accepts: ids, BR Code and deadline in the view', () => {
  const before = Date.now();
  const { view, transitions } = awaitingPayment();
  expect(view.status).toBe('AWAITING_PAYMENT');
  expect(view.connectPsp).toEqual({ transactionId: 'tx-1', internalCode: 'ic-1' });
  expect(view.pix).toEqual({ copyAndPaste: '000201…' });
  expect(view.openFinance).toBeUndefined();
  expect(Date.parse(view.expiresAt!)).toBeGreaterThanOrEqual(before + 60 * 60_000);
  expect(transitions).toEqual(['ConnectPSP accepted the charge']);
});

test('CREATING → FAILED when ConnectPSP refuses the charge', () => {
  const { lifecycle, view } = newCashIn();
  lifecycle.chargeRefused('INVALID_DOCUMENT', 'payer document is invalid');
  expect(view.status).toBe('FAILED');
  expect(view.failure).toEqual({ code: 'INVALID_DOCUMENT', message: 'payer document is invalid' });
});

test('AWAITING_PAYMENT → PAID → SETTLED at once in auto mode', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1));
  const payment = lifecycle.keptPayment()!;
  expect(payment.endToEndId).toBe(E1);
  lifecycle.paid(payment);
  expect(statuses(view)).toEqual(['CREATING', 'AWAITING_PAYMENT', 'PAID', 'SETTLED']);
  expect(view.connectPsp?.endToEndId).toBe(E1);
  expect(view.paidAt).toBe('2026-12-04T12:00:00Z');
  expect(view.settledAt).toBeDefined();
  expect(lifecycle.hasPaymentsToGiveBack()).toBe(false);
});

test('in manual mode PAID waits for the service; settle is refused in any other state', () => {
  const { lifecycle, view } = awaitingPayment({ settlement: { mode: 'manual', windowMinutes: 60 } });
  expect(refusalToSettle(view)).toMatchObject({ type: 'INVALID_STATE', detail: 'AWAITING_PAYMENT' });
  lifecycle.onEvent(paidEvent(E1));
  lifecycle.paid(lifecycle.keptPayment()!);
  expect(view.status).toBe('PAID');
  expect(refusalToSettle(view)).toBeUndefined();
  lifecycle.settle();
  expect(view.status).toBe('SETTLED');
  expect(view.timeline.at(-1)?.reason).toBe('settled by the service');
  expect(refusalToSettle(view)).toMatchObject({ type: 'INVALID_STATE', detail: 'SETTLED' });
});

test('a missed manual window gives the payment back: PAID → REFUNDING → REFUNDED', () => {
  const { lifecycle, view } = awaitingPayment({ settlement: { mode: 'manual', windowMinutes: 60 } });
  lifecycle.onEvent(paidEvent(E1));
  const payment = lifecycle.keptPayment()!;
  lifecycle.paid(payment);
  lifecycle.settlementWindowMissed(payment);
  const toGiveBack = lifecycle.nextPaymentToGiveBack()!;
  expect(toGiveBack).toMatchObject({ request: { reason: 'MERCHANT_ERROR' }, why: 'settlement window missed' });
  lifecycle.givingBack(toGiveBack);
  expect(view.status).toBe('REFUNDING');
  expect(payment.disposition).toBe('REFUNDING');
  lifecycle.refundConfirmed(payment, 'D1');
  lifecycle.givenBack(toGiveBack);
  lifecycle.closing();
  expect(statuses(view)).toEqual(['CREATING', 'AWAITING_PAYMENT', 'PAID', 'REFUNDING', 'REFUNDING', 'REFUNDED']);
  expect(payment).toMatchObject({ disposition: 'REFUNDED', refundEndToEndId: 'D1' });
  expect(view.refundedAt).toBeDefined();
});

test('SETTLED → REFUNDING on a refund request, which gives back the kept payment', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1));
  lifecycle.paid(lifecycle.keptPayment()!);
  expect(refusalToRefund(view, lifecycle.keptPayment(), { reason: 'CUSTOMER_REQUEST' })).toBeUndefined();
  lifecycle.refundRequested({ reason: 'CUSTOMER_REQUEST', description: 'changed mind' });
  expect(view.status).toBe('REFUNDING');
  expect(lifecycle.keptPayment()).toBeUndefined();
  expect(lifecycle.nextPaymentToGiveBack()).toMatchObject({
    payment: { endToEndId: E1 },
    request: { reason: 'CUSTOMER_REQUEST', description: 'changed mind' },
    why: 'refund requested: CUSTOMER_REQUEST',
  });
});

test('a refund is refused for a bad reason or description, in the wrong state, or past 90 days', () => {
  const { lifecycle, view } = awaitingPayment();
  expect(refusalToRefund(view, undefined, { reason: 'WHIM' })).toMatchObject({
    type: 'INVALID_REQUEST',
    detail: 'reason',
  });
  expect(refusalToRefund(view, undefined, undefined)).toMatchObject({ type: 'INVALID_REQUEST', detail: 'reason' });
  expect(refusalToRefund(view, undefined, { reason: 'FRAUD', description: 'x'.repeat(501) })).toMatchObject({
    type: 'INVALID_REQUEST',
    detail: 'description',
  });
  expect(refusalToRefund(view, undefined, { reason: 'FRAUD' })).toMatchObject({
    type: 'INVALID_STATE',
    detail: 'AWAITING_PAYMENT',
  });
  lifecycle.onEvent({ ...paidEvent(E1), eventAt: new Date(Date.now() - 91 * 86_400_000).toISOString() });
  lifecycle.paid(lifecycle.keptPayment()!);
  expect(refusalToRefund(view, lifecycle.keptPayment(), { reason: 'FRAUD' })).toMatchObject({
    type: 'REFUND_WINDOW_CLOSED',
  });
});

test('ConnectPSP refusing a refund keeps the payment and puts the cash-in back where it was', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1));
  lifecycle.paid(lifecycle.keptPayment()!);
  lifecycle.refundRequested({ reason: 'FRAUD' });
  const toGiveBack = lifecycle.nextPaymentToGiveBack()!;
  lifecycle.givingBack(toGiveBack);
  lifecycle.refundRefused(toGiveBack, 'REFUND_NOT_ALLOWED');
  expect(view.status).toBe('SETTLED');
  expect(toGiveBack.payment.disposition).toBe('ACCEPTED');
  expect(view.timeline.map((t) => t.reason)).toEqual(
    expect.arrayContaining(['refund refused by ConnectPSP: REFUND_NOT_ALLOWED', 'refund refused by ConnectPSP']),
  );
});

test('duplicate webhooks change nothing; a second payment is given back and the cash-in stays settled', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1));
  lifecycle.onEvent(paidEvent(E1));
  expect(view.payments).toHaveLength(1);
  lifecycle.paid(lifecycle.keptPayment()!);
  lifecycle.onEvent(paidEvent(E2));
  expect(view.payments).toHaveLength(2);
  const second = lifecycle.nextPaymentToGiveBack()!;
  expect(second).toMatchObject({ payment: { endToEndId: E2 }, request: { reason: 'DUPLICATED_PAYMENT' } });
  expect(second.why).toBe('second payment for the same charge');
  lifecycle.givingBack(second);
  expect(view.status).toBe('SETTLED');
  expect(lifecycle.keptPayment()?.endToEndId).toBe(E1);
});

test('two payments before the first is processed: the first is kept, the second given back', () => {
  const { lifecycle } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1));
  lifecycle.onEvent(paidEvent(E2));
  expect(lifecycle.keptPayment()?.endToEndId).toBe(E1);
  expect(lifecycle.nextPaymentToGiveBack()?.why).toBe('second payment for the same charge');
});

test('a payment of another amount is not kept: it is given back and refunds the cash-in', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1, 1000));
  expect(lifecycle.keptPayment()).toBeUndefined();
  const toGiveBack = lifecycle.nextPaymentToGiveBack()!;
  expect(toGiveBack).toMatchObject({ request: { reason: 'MERCHANT_ERROR' }, why: 'paid R$ 10.00 instead of R$ 25.90' });
  lifecycle.givingBack(toGiveBack);
  expect(view.status).toBe('REFUNDING');
});

test('AWAITING_PAYMENT → EXPIRED, and a late payment is given back: EXPIRED → REFUNDING → REFUNDED', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.expired();
  expect(view.status).toBe('EXPIRED');
  lifecycle.receivePayment(E1, 2590, '2026-12-04T13:30:00Z');
  const late = lifecycle.nextPaymentToGiveBack()!;
  expect(late).toMatchObject({ request: { reason: 'DUPLICATED_PAYMENT' }, why: 'late payment after expiry' });
  lifecycle.givingBack(late);
  lifecycle.refundConfirmed(late.payment, 'D1');
  lifecycle.closing();
  expect(statuses(view).slice(-3)).toEqual(['EXPIRED', 'REFUNDING', 'REFUNDED']);
});

test('a cancellation stops the wait on a payable charge; a payment after it is given back, the status stays CANCELLED', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.cancellationRequested();
  expect(view.timeline).toHaveLength(2);
  lifecycle.cancelled();
  expect(view.status).toBe('CANCELLED');
  lifecycle.receivePayment(E1, 2590, '2026-12-04T12:10:00Z');
  const after = lifecycle.nextPaymentToGiveBack()!;
  expect(after.why).toBe('payment after cancellation');
  lifecycle.givingBack(after);
  lifecycle.closing();
  expect(view.status).toBe('CANCELLED');
});

test('a cancellation of a paid cash-in is only noted', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1));
  lifecycle.paid(lifecycle.keptPayment()!);
  lifecycle.cancellationRequested();
  expect(view.status).toBe('SETTLED');
  expect(view.timeline.at(-1)?.reason).toBe('cancellation requested (Temporal UI/CLI): ignored while SETTLED');
});

test('CASHIN_REFUNDED confirms the refund of the payment it names, or of the kept one', () => {
  const { lifecycle, view } = awaitingPayment();
  lifecycle.onEvent(paidEvent(E1));
  lifecycle.onEvent({
    ...paidEvent(E1),
    eventType: 'CASHIN_REFUNDED',
    status: 'REFUNDED',
    endToEndId: 'D9',
    originalEndToEndId: E1,
  });
  expect(view.payments[0]).toMatchObject({ disposition: 'REFUNDED', refundEndToEndId: 'D9' });
});

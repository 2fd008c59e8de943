import { ApplicationFailure, CancellationScope, condition, setHandler } from '@temporalio/workflow';
import { withCancellationAsNews } from '../lifecycle/cancellation.js';
import { retryOurFaults } from '../lifecycle/our-faults.js';
import { statusReporter } from '../lifecycle/status-reporter.js';
import { checkChargeAtDeadline, createCharge } from './charge.js';
import { paymentsGiver } from './give-back.js';
import { CashInLifecycle } from './lifecycle.js';
import {
  cashInEventSignal,
  cashInViewQuery,
  createCashInUpdate,
  refundCashInUpdate,
  settleCashInUpdate,
} from './messages.js';
import { refusalToRefund, refusalToSettle, type Refusal } from './refusals.js';
import { CashInStatus, REFUND_REASONS, type CashInInput, type CashInView } from './types.js';
import { cashInMoneyMoved, cashInSummary, newCashInView } from './view.js';

const MINUTE = 60_000;

/**
 * One PIX charge from creation to a terminal state. Its rules are in `lifecycle.ts`; this file wires them to
 * Temporal. ConnectPSP events arrive as signals, the service's requests (create, settle, refund) as updates whose
 * synchronous validators refuse a request in the wrong state before it reaches history.
 */
export async function cashIn(input: CashInInput): Promise<CashInView> {
  const view = input.kind === 'reopened' ? input.view : newCashInView(input);
  const reporter = statusReporter(view, {
    kind: 'cash-in',
    callbackUrl: view.callbackUrl,
    summary: () => cashInSummary(view),
    pspId: () => view.connectPsp?.transactionId,
    moneyMoved: () => cashInMoneyMoved(view),
  });
  const lifecycle = new CashInLifecycle(view, (reason) => reporter.transitioned(reason));
  const connectPsp = retryOurFaults(view, { kind: 'CASH_IN', note: (reason) => lifecycle.note(reason) });
  const giveBackAll = paymentsGiver(lifecycle, connectPsp, reporter);

  setHandler(cashInViewQuery, () => view);
  setHandler(cashInEventSignal, (event) => lifecycle.onEvent(event));
  setHandler(
    createCashInUpdate,
    async () => {
      await CancellationScope.nonCancellable(() => condition(() => view.status !== CashInStatus.CREATING));
      return view;
    },
    { description: 'Answers with the charge (QR code or OpenFinance URL) once ConnectPSP accepted it' },
  );
  setHandler(settleCashInUpdate, () => (lifecycle.settle(), view), {
    description: 'Settle: confirms a PAID cash-in in manual settlement mode. No input.',
    validator: () => refuse(refusalToSettle(view)),
  });
  setHandler(refundCashInUpdate, (request) => (lifecycle.refundRequested(request), view), {
    description:
      'Refund in full a PAID or SETTLED cash-in. Input: { "reason": "CUSTOMER_REQUEST", "description": "why" } ' +
      `(reason one of ${REFUND_REASONS.join(', ')})`,
    validator: (request) => refuse(refusalToRefund(view, lifecycle.keptPayment(), request)),
  });

  /** Pending work (a refund asked meanwhile, a payment to give back) is done before the run closes, never dropped. */
  const close = async (): Promise<CashInView> => {
    do {
      await giveBackAll();
      lifecycle.closing();
      reporter.updateStatusAttribute();
      await reporter.callbacksStarted();
      await reporter.callbacksRecorded();
    } while (lifecycle.hasPaymentsToGiveBack());
    return view;
  };

  return withCancellationAsNews(
    () => lifecycle.cancellationRequested(),
    async (cancelRequested) => {
      if (input.kind === 'reopened') {
        // A closed lifecycle reopened for one message (a refund, a late payment): handle it, then close.
        await condition(() => lifecycle.hasPaymentsToGiveBack(), '1 minute');
        return close();
      }

      // 1. Create the charge at ConnectPSP.
      if (!(await createCharge(input, lifecycle, connectPsp))) return close();
      reporter.updateStatusAttribute();

      // 2. Wait for the payment or the deadline; at the deadline, ask ConnectPSP before declaring EXPIRED.
      const hasNews = () => !!lifecycle.keptPayment() || lifecycle.hasPaymentsToGiveBack() || cancelRequested();
      const woken = await condition(hasNews, Math.max(0, Date.parse(view.expiresAt!) - Date.now()));
      if (!woken) await checkChargeAtDeadline(lifecycle, connectPsp);
      const payment = lifecycle.keptPayment();
      if (!payment && !lifecycle.hasPaymentsToGiveBack()) {
        const latePaymentWindow = input.latePaymentWindowMinutes * MINUTE;
        if (woken) {
          // Woken with nothing paid: an operator cancelled. ConnectPSP has no cancel, so the charge is watched as
          // long as an expired one, and what still arrives is given back.
          lifecycle.cancelled();
          reporter.updateStatusAttribute();
          const payableUntil = Date.parse(view.expiresAt!) + latePaymentWindow;
          for (let left = payableUntil - Date.now(); left > 0; left = payableUntil - Date.now()) {
            if (await condition(() => lifecycle.hasPaymentsToGiveBack(), left)) await giveBackAll();
          }
        } else {
          lifecycle.expired();
          reporter.updateStatusAttribute();
          await condition(() => lifecycle.hasPaymentsToGiveBack(), latePaymentWindow);
        }
      }

      // 3. Paid: settled at once (auto), or when the service confirms within the window (manual).
      if (payment) {
        lifecycle.paid(payment);
        if (view.status === CashInStatus.PAID) {
          reporter.updateStatusAttribute();
          const window = input.settlement.windowMinutes * MINUTE;
          if (!(await condition(() => view.status !== CashInStatus.PAID, window))) {
            lifecycle.settlementWindowMissed(payment);
          }
        }
      }
      reporter.updateStatusAttribute();
      // A refund asked after this run closed reopens the lifecycle in a new run.
      return close();
    },
  );
}

/** A validator's refusal: thrown before the update reaches history. */
function refuse(refusal: Refusal | undefined): void {
  if (refusal) {
    throw ApplicationFailure.create({ type: refusal.type, message: refusal.message, details: [refusal.detail] });
  }
}

import { brl, CANCELLATION_REQUESTED, now } from '../lifecycle/view.js';
import {
  CashInStatus,
  type CashInPspEvent,
  type CashInView,
  type CreatedCharge,
  type PaymentToGiveBack,
  type ReceivedPayment,
  type RefundRequest,
} from './types.js';

const MINUTE = 60_000;

/**
 * The cash-in's rules, with no Temporal in them (PRODUCT.md §5): its state, every transition, which payment the
 * cash-in keeps and which it gives back and why, and what its view shows. Nothing paid is kept silently: a late,
 * second or wrong-amount payment is queued to be given back. The workflow feeds it messages and results and
 * carries out what it queues; `onTransition` is how the workflow hears of each status change.
 */
export class CashInLifecycle {
  private readonly seenEvents = new Set<string>();
  private readonly toGiveBack: PaymentToGiveBack[] = [];

  constructor(
    readonly view: CashInView,
    private readonly onTransition: (reason: string) => void = () => undefined,
  ) {}

  /** The payment this cash-in keeps: the first one of the right amount received while it could be paid. */
  keptPayment(): ReceivedPayment | undefined {
    return this.view.payments.find((p) => p.disposition === 'ACCEPTED' && p.refundReason === undefined);
  }

  isPayable(): boolean {
    return this.view.status === CashInStatus.CREATING || this.view.status === CashInStatus.AWAITING_PAYMENT;
  }

  hasPaymentsToGiveBack(): boolean {
    return this.toGiveBack.length > 0;
  }

  nextPaymentToGiveBack(): PaymentToGiveBack | undefined {
    return this.toGiveBack.shift();
  }

  /** A ConnectPSP event, from a webhook or the reconciliation: duplicates change nothing. */
  onEvent(event: CashInPspEvent): void {
    const key = `${event.eventType}:${event.endToEndId ?? event.status}`;
    if (this.seenEvents.has(key)) return;
    this.seenEvents.add(key);
    if (event.eventType === 'CASHIN_PAID' && event.endToEndId) {
      this.receivePayment(event.endToEndId, event.amountCentavos, event.paidAt ?? event.eventAt);
    } else if (event.eventType === 'CASHIN_REFUNDED') {
      const original = event.originalEndToEndId ?? this.keptPayment()?.endToEndId ?? this.view.payments[0]?.endToEndId;
      const payment = this.view.payments.find((p) => p.endToEndId === original);
      if (payment) this.refundConfirmed(payment, event.endToEndId);
    }
  }

  /** A payment ConnectPSP reports; the first of the right amount while payable is kept, any other given back. */
  receivePayment(endToEndId: string, amountCentavos: number, paidAt: string): void {
    if (this.view.payments.some((p) => p.endToEndId === endToEndId)) return;
    const payment: ReceivedPayment = { endToEndId, amountCentavos, paidAt, disposition: 'ACCEPTED' };
    this.view.payments.push(payment);
    const first = this.keptPayment() === payment;
    if (!this.isPayable() || !first) {
      const why =
        this.view.status === CashInStatus.EXPIRED
          ? 'late payment after expiry'
          : this.view.status === CashInStatus.CANCELLED
            ? 'payment after cancellation'
            : !first
              ? 'second payment for the same charge'
              : `payment while ${this.view.status}`;
      this.giveBack(payment, { reason: 'DUPLICATED_PAYMENT', description: why }, why);
    } else if (amountCentavos !== this.view.amountCentavos) {
      this.giveBack(
        payment,
        { reason: 'MERCHANT_ERROR', description: 'amount differs from the charge' },
        `paid ${brl(amountCentavos)} instead of ${brl(this.view.amountCentavos)}`,
      );
    }
  }

  refundConfirmed(payment: ReceivedPayment, refundEndToEndId: string | undefined): void {
    payment.disposition = 'REFUNDED';
    payment.refundEndToEndId ??= refundEndToEndId;
  }

  chargeCreated(charge: CreatedCharge, expirationInMinutes: number): void {
    this.view.connectPsp = { transactionId: charge.transactionId, internalCode: charge.internalCode };
    if (charge.copyAndPaste !== undefined) this.view.pix = { copyAndPaste: charge.copyAndPaste };
    if (charge.paymentUrl !== undefined) this.view.openFinance = { paymentUrl: charge.paymentUrl };
    this.view.expiresAt = new Date(Date.now() + expirationInMinutes * MINUTE).toISOString();
    this.transition(CashInStatus.AWAITING_PAYMENT, 'ConnectPSP accepted the charge');
  }

  chargeRefused(code: string, message: string): void {
    this.view.failure = { code, message };
    this.transition(CashInStatus.FAILED, `ConnectPSP refused the charge: ${code}`);
  }

  /** The kept payment arrived: PAID, and SETTLED at once in auto settlement mode. */
  paid(payment: ReceivedPayment): void {
    this.noLongerPayable();
    this.view.paidAt = payment.paidAt;
    this.view.connectPsp!.endToEndId = payment.endToEndId;
    this.transition(CashInStatus.PAID, `PIX payment ${payment.endToEndId} received`);
    if (this.view.settlementMode === 'auto') {
      this.view.settledAt = now();
      this.transition(CashInStatus.SETTLED, 'settled automatically');
    }
  }

  settlementWindowMissed(payment: ReceivedPayment): void {
    const why = 'settlement window missed';
    this.giveBack(payment, { reason: 'MERCHANT_ERROR', description: why }, why);
  }

  expired(): void {
    this.noLongerPayable();
    this.transition(CashInStatus.EXPIRED, 'no payment before the deadline (confirmed with ConnectPSP)');
  }

  cancelled(): void {
    this.noLongerPayable();
    this.transition(CashInStatus.CANCELLED, CANCELLATION_REQUESTED);
  }

  /** An operator's cancellation stops the wait on a payable charge and nothing else; otherwise it is noted. */
  cancellationRequested(): void {
    if (!this.isPayable()) this.note(`${CANCELLATION_REQUESTED}: ignored while ${this.view.status}`);
  }

  settle(): void {
    this.view.settledAt = now();
    this.transition(CashInStatus.SETTLED, 'settled by the service');
  }

  refundRequested(request: RefundRequest): void {
    const payment = this.keptPayment();
    if (payment) this.giveBack(payment, request, `refund requested: ${request.reason}`);
    this.transition(CashInStatus.REFUNDING, `refund requested: ${request.reason}`);
  }

  /** About to ask ConnectPSP to give `payment` back: giving back the kept payment refunds the cash-in itself. */
  givingBack({ payment, why }: PaymentToGiveBack): void {
    if (payment.disposition !== 'REFUNDED') payment.disposition = 'REFUNDING';
    const refundsCashIn = !this.keptPayment() && this.view.status !== CashInStatus.CANCELLED;
    if (refundsCashIn && this.view.status !== CashInStatus.REFUNDING) this.transition(CashInStatus.REFUNDING, why);
  }

  givenBack({ payment, why }: PaymentToGiveBack): void {
    this.note(`payment ${payment.endToEndId} refunded (${why})`);
  }

  /** ConnectPSP refused the refund for good: the payment stays with us, and the cash-in goes back to where it was. */
  refundRefused({ payment }: PaymentToGiveBack, code: string): void {
    payment.disposition = 'ACCEPTED';
    this.note(`refund refused by ConnectPSP: ${code}`);
    if (this.view.status === CashInStatus.REFUNDING) {
      this.transition(this.statusBeforeRefund(), 'refund refused by ConnectPSP');
    }
  }

  /** Every payment given back: a cash-in that was refunding is now refunded. */
  closing(): void {
    if (this.view.status !== CashInStatus.REFUNDING) return;
    this.view.refundedAt = now();
    this.transition(CashInStatus.REFUNDED, 'ConnectPSP confirmed the refund');
  }

  /** A line in the timeline that changes no status. */
  note(reason: string): void {
    this.view.timeline.push({ status: this.view.status, at: now(), reason });
  }

  /** How to pay is shown only while the charge waits for its payment: it travels no further through history. */
  private noLongerPayable(): void {
    delete this.view.pix;
    delete this.view.openFinance;
  }

  private giveBack(payment: ReceivedPayment, request: RefundRequest, why: string): void {
    payment.refundReason = why;
    this.toGiveBack.push({ payment, request, why });
  }

  private transition(status: CashInStatus, reason: string): void {
    this.view.status = status;
    this.view.timeline.push({ status, at: now(), reason });
    this.onTransition(reason);
  }

  private statusBeforeRefund(): CashInStatus {
    const before = [...this.view.timeline].reverse().find((t) => t.status !== CashInStatus.REFUNDING);
    return before?.status ?? CashInStatus.PAID;
  }
}

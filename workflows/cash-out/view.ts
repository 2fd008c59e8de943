import { brl, now, type MoneyMoved } from '../lifecycle/view.js';
import { CashOutStatus, type CashOutView, type NewCashOut } from './types.js';

/** A new payout as the service asked for it: the payee's kind of destination, none of its personal data. */
export function newCashOutView(input: NewCashOut): CashOutView {
  const destination = input.payee.destination;
  const createdAt = now();
  return {
    externalReference: input.externalReference,
    status: CashOutStatus.CREATING,
    amountCentavos: input.amountCentavos,
    destination:
      destination.type === 'PIX' ? { type: 'PIX', pixKeyType: destination.pixKeyType } : { type: 'BANK_ACCOUNT' },
    createdAt,
    timeline: [{ status: CashOutStatus.CREATING, at: createdAt, reason: 'payout requested' }],
    requestFingerprint: input.requestFingerprint,
    creationRequestId: input.creationRequestId,
    callbackUrl: input.callbackUrl,
  };
}

/** One line for the Temporal UI's current details. */
export function cashOutSummary(view: CashOutView): string {
  const via = view.destination.type === 'PIX' ? `PIX ${view.destination.pixKeyType} key` : 'bank account';
  const failure = view.failure ? ` · ${view.failure.code}` : '';
  return `**${view.status}** · ${brl(view.amountCentavos)} via ${via} · ref \`${view.externalReference}\`${failure}`;
}

/**
 * ConnectPSP debits the wallet when it accepts the payout and credits it back when the payout fails or is returned.
 * A payout refused outright (no ConnectPSP id) never moved money.
 */
export function cashOutMoneyMoved(view: CashOutView): MoneyMoved {
  if (!view.connectPsp) return {};
  const accepted = view.timeline.find((t) => t.status === CashOutStatus.PROCESSING)?.at;
  const creditedAt =
    view.status === CashOutStatus.REFUNDED
      ? view.refundedAt
      : view.status === CashOutStatus.FAILED
        ? view.failedAt
        : undefined;
  return { debitedAt: accepted, creditedAt };
}

import { brl, now, type MoneyMoved } from '../lifecycle/view.js';
import { CashInStatus, type CashInView, type NewCashIn } from './types.js';

/** A new cash-in as the service asked for it, before ConnectPSP has seen it. */
export function newCashInView(input: NewCashIn): CashInView {
  const createdAt = now();
  return {
    externalReference: input.externalReference,
    status: CashInStatus.CREATING,
    amountCentavos: input.amountCentavos,
    settlementMode: input.settlement.mode,
    createdAt,
    payments: [],
    timeline: [{ status: CashInStatus.CREATING, at: createdAt, reason: 'charge requested' }],
    requestFingerprint: input.requestFingerprint,
    creationRequestId: input.creationRequestId,
    callbackUrl: input.callbackUrl,
    metadata: input.metadata,
  };
}

/** One line for the Temporal UI's current details. */
export function cashInSummary(view: CashInView): string {
  return `**${view.status}** · ${brl(view.amountCentavos)} · ref \`${view.externalReference}\``;
}

/** Every payment reported credited the wallet (the latest counts); giving the cash-in back debited it. */
export function cashInMoneyMoved(view: CashInView): MoneyMoved {
  const latestPaid = view.payments.reduce<string | undefined>(
    (latest, p) => (latest === undefined || Date.parse(p.paidAt) > Date.parse(latest) ? p.paidAt : latest),
    undefined,
  );
  return { creditedAt: latestPaid, debitedAt: view.refundedAt };
}

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes operators filter on in the Temporal UI. They never hold personal data:
 * only the lifecycle kind, its status, the service's reference, the amount, ConnectPSP's id and why it needs
 * attention.
 */
export const PaymentKind = defineSearchAttributeKey('PaymentKind', SearchAttributeType.KEYWORD);
export const PaymentStatus = defineSearchAttributeKey('PaymentStatus', SearchAttributeType.KEYWORD);
export const PaymentReference = defineSearchAttributeKey('PaymentReference', SearchAttributeType.KEYWORD);
export const PaymentAmountCentavos = defineSearchAttributeKey('PaymentAmountCentavos', SearchAttributeType.INT);
/**
 * ConnectPSP's id of the charge or payout (its `transactionId`), set with the first status upsert after the create:
 * the reconciliation decides and looks up from visibility alone, without asking the workflow.
 */
export const PaymentPspId = defineSearchAttributeKey('PaymentPspId', SearchAttributeType.KEYWORD);
/** Set (to the failure code) while a lifecycle is parked by our own fault; removed once it recovers. */
export const PaymentAttention = defineSearchAttributeKey('PaymentAttention', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  PaymentKind,
  PaymentStatus,
  PaymentReference,
  PaymentAmountCentavos,
  PaymentAttention,
  PaymentPspId,
];

export type PaymentKindValue = 'CASH_IN' | 'CASH_OUT' | 'REBALANCE' | 'UNMATCHED_EVENT';

/** The attributes a payment lifecycle is started (or reopened) with. */
export function paymentSearchAttributes(
  kind: PaymentKindValue,
  externalReference: string,
  status: string,
  amountCentavos: number,
) {
  return [
    { key: PaymentKind, value: kind },
    { key: PaymentStatus, value: status },
    { key: PaymentReference, value: externalReference },
    { key: PaymentAmountCentavos, value: amountCentavos },
  ];
}

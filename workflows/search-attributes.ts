import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes operators filter on in the Temporal UI. They never hold personal data:
 * only the lifecycle kind, its status, the service's reference, the amount and why it needs attention.
 */
export const PaymentKind = defineSearchAttributeKey('PaymentKind', SearchAttributeType.KEYWORD);
export const PaymentStatus = defineSearchAttributeKey('PaymentStatus', SearchAttributeType.KEYWORD);
export const PaymentReference = defineSearchAttributeKey('PaymentReference', SearchAttributeType.KEYWORD);
export const PaymentAmountCentavos = defineSearchAttributeKey('PaymentAmountCentavos', SearchAttributeType.INT);
/** Set (to the failure code) while a lifecycle is parked by our own fault; removed once it recovers. */
export const PaymentAttention = defineSearchAttributeKey('PaymentAttention', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  PaymentKind,
  PaymentStatus,
  PaymentReference,
  PaymentAmountCentavos,
  PaymentAttention,
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

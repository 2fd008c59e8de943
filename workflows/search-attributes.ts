import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes operators filter on in the Temporal UI. They never hold personal data:
 * only the lifecycle kind, its status, the service's reference, the amount, ConnectPSP's id, when money moved
 * and why it needs attention.
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
/**
 * When the lifecycle's money last moved at ConnectPSP, into the wallet (a cash-in paid, a payout failed or
 * returned) and out of it (a payout accepted, a payment given back): the reconciliation explains the wallet's
 * balance changes with them, and looks for a lost webhook when one is left unexplained.
 */
export const PaymentCreditedAt = defineSearchAttributeKey('PaymentCreditedAt', SearchAttributeType.DATETIME);
export const PaymentDebitedAt = defineSearchAttributeKey('PaymentDebitedAt', SearchAttributeType.DATETIME);
/** Set (to the failure code) while a lifecycle is parked by our own fault; removed once it recovers. */
export const PaymentAttention = defineSearchAttributeKey('PaymentAttention', SearchAttributeType.KEYWORD);

/** A `callbacks` workflow's lifecycle (its workflow id) and its service's reference, to find its events. */
export const CallbackLifecycle = defineSearchAttributeKey('CallbackLifecycle', SearchAttributeType.KEYWORD);
export const CallbackReference = defineSearchAttributeKey('CallbackReference', SearchAttributeType.KEYWORD);
/** The types of the events it holds (`cash-in.settled`, …), for the events API's `type` filter. */
export const CallbackEventTypes = defineSearchAttributeKey('CallbackEventTypes', SearchAttributeType.KEYWORD_LIST);
/** The delivery states its events are in (`pending`, `delivered`, `failed`), for the `delivery` filter. */
export const CallbackDelivery = defineSearchAttributeKey('CallbackDelivery', SearchAttributeType.KEYWORD_LIST);

export const ALL_SEARCH_ATTRIBUTES = [
  PaymentKind,
  PaymentStatus,
  PaymentReference,
  PaymentAmountCentavos,
  PaymentAttention,
  CallbackLifecycle,
  CallbackReference,
  CallbackEventTypes,
  CallbackDelivery,
  PaymentPspId,
  PaymentCreditedAt,
  PaymentDebitedAt,
];

/** A search attribute's type as the Temporal CLI and deploy/temporal/create-namespace.sh name it. */
export function cliTypeName(
  key: (typeof ALL_SEARCH_ATTRIBUTES)[number],
): 'Int' | 'Keyword' | 'KeywordList' | 'Datetime' {
  if (key.type === 'INT') return 'Int';
  if (key.type === 'DATETIME') return 'Datetime';
  return key.type === 'KEYWORD_LIST' ? 'KeywordList' : 'Keyword';
}

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

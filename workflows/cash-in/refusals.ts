import {
  CashInStatus,
  MAX_REFUND_DESCRIPTION,
  REFUND_LIMIT_DAYS,
  REFUND_REASONS,
  type CashInView,
  type ReceivedPayment,
} from './types.js';

const DAY = 24 * 60 * 60_000;

/** Why a request is refused, in the shape the workflow turns into the update's failure and the API into a 409/400. */
export interface Refusal {
  type: 'INVALID_STATE' | 'INVALID_REQUEST' | 'REFUND_WINDOW_CLOSED';
  message: string;
  /** The field at fault (INVALID_REQUEST) or the current status. */
  detail: string;
}

/** Only a PAID cash-in in manual settlement mode waits for the service to settle it. */
export function refusalToSettle(view: CashInView): Refusal | undefined {
  if (view.status === CashInStatus.PAID && view.settlementMode === 'manual') return undefined;
  return {
    type: 'INVALID_STATE',
    message: `Only a PAID cash-in in manual settlement mode can be settled; this one is ${view.status}`,
    detail: view.status,
  };
}

/**
 * A refund gives back the kept payment of a PAID or SETTLED cash-in, within BACEN's limit. What an operator types
 * in the UI's "Send an Update" gets the checks the API's schema makes.
 */
export function refusalToRefund(
  view: CashInView,
  keptPayment: ReceivedPayment | undefined,
  request: unknown,
): Refusal | undefined {
  const { reason, description } = (request ?? {}) as { reason?: unknown; description?: unknown };
  if (!(REFUND_REASONS as readonly unknown[]).includes(reason)) {
    return {
      type: 'INVALID_REQUEST',
      message: `reason must be one of ${REFUND_REASONS.join(', ')}, e.g. { "reason": "CUSTOMER_REQUEST" }`,
      detail: 'reason',
    };
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > MAX_REFUND_DESCRIPTION)) {
    return {
      type: 'INVALID_REQUEST',
      message: `description must be a text of at most ${MAX_REFUND_DESCRIPTION} characters`,
      detail: 'description',
    };
  }
  const refundable = view.status === CashInStatus.PAID || view.status === CashInStatus.SETTLED;
  if (!refundable || !keptPayment) {
    return {
      type: 'INVALID_STATE',
      message: `Only a PAID or SETTLED cash-in can be refunded; this one is ${view.status}`,
      detail: view.status,
    };
  }
  if (view.paidAt && Date.now() - Date.parse(view.paidAt) > REFUND_LIMIT_DAYS * DAY) {
    return {
      type: 'REFUND_WINDOW_CLOSED',
      message: `Refunds are accepted up to ${REFUND_LIMIT_DAYS} days after payment`,
      detail: view.status,
    };
  }
  return undefined;
}

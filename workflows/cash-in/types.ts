/**
 * The cash-in lifecycle's data, shared by the workflow and the API. Plain types only: workflow code must
 * stay free of zod and Node APIs. Money is integer centavos everywhere; an absent field is left out (never `null`).
 */
import type { Attention } from '../lifecycle/view.js';

export const CashInStatus = {
  CREATING: 'CREATING',
  AWAITING_PAYMENT: 'AWAITING_PAYMENT',
  PAID: 'PAID',
  SETTLED: 'SETTLED',
  REFUNDING: 'REFUNDING',
  REFUNDED: 'REFUNDED',
  EXPIRED: 'EXPIRED',
  /** Cancelled by an operator before payment; still watched (and a payment refunded) until it can no longer be paid. */
  CANCELLED: 'CANCELLED',
  FAILED: 'FAILED',
} as const;
export type CashInStatus = (typeof CashInStatus)[keyof typeof CashInStatus];

export type SettlementMode = 'auto' | 'manual';
/** ConnectPSP's refund reasons: the API's schema and the workflow's refund validator both check against this list. */
export const REFUND_REASONS = ['FRAUD', 'DUPLICATED_PAYMENT', 'CUSTOMER_REQUEST', 'MERCHANT_ERROR'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];
/** Longest refund description the API accepts. */
export const MAX_REFUND_DESCRIPTION = 500;
/** Refunds are accepted up to this long after payment (BACEN's PIX devolution limit). */
export const REFUND_LIMIT_DAYS = 90;

/** A new charge, as the service asked for it. */
export interface NewCashIn {
  kind: 'new';
  externalReference: string;
  amountCentavos: number;
  expirationInMinutes: number;
  payer: { name: string; document: string };
  openFinance?: { redirectUrl?: string };
  settlement: { mode: SettlementMode; windowMinutes: number };
  callbackUrl?: string;
  metadata?: Record<string, string>;
  /** Hash of the service's request, to tell a retry (same body) from a conflict (different body). */
  requestFingerprint: string;
  /** Unique per API request: tells the request that created the lifecycle (201) from its repeats (200). */
  creationRequestId: string;
  /** How long an EXPIRED or CANCELLED cash-in keeps listening for a late payment to refund. */
  latePaymentWindowMinutes: number;
}

/**
 * A closed lifecycle reopened for one message: a refund asked after its run completed, or a payment that arrived
 * after it. The new run starts from the last run's view and closes once it has handled that message.
 */
export interface ReopenedCashIn {
  kind: 'reopened';
  view: CashInView;
}

export type CashInInput = NewCashIn | ReopenedCashIn;

export interface TimelineEntry {
  status: CashInStatus;
  at: string;
  reason: string;
}

/** One PIX payment ConnectPSP reported against this charge, and what we did with it. */
export interface ReceivedPayment {
  endToEndId: string;
  amountCentavos: number;
  paidAt: string;
  disposition: 'ACCEPTED' | 'REFUNDING' | 'REFUNDED';
  refundEndToEndId?: string;
  refundReason?: string;
}

export interface CashInView {
  externalReference: string;
  status: CashInStatus;
  amountCentavos: number;
  settlementMode: SettlementMode;
  createdAt: string;
  expiresAt?: string;
  connectPsp?: { transactionId: string; internalCode: string; endToEndId?: string };
  /** The BR Code a payer copies or scans, while the charge waits for its payment; the API renders its image. */
  pix?: { copyAndPaste: string };
  /** Where to send the payer (OpenFinance flow), while the charge waits for its payment. */
  openFinance?: { paymentUrl: string };
  paidAt?: string;
  settledAt?: string;
  refundedAt?: string;
  failure?: { code: string; message: string };
  /** Set while the lifecycle is held up by our own fault (credentials, contract, a lost transaction). */
  attention?: Attention;
  payments: ReceivedPayment[];
  timeline: TimelineEntry[];
  requestFingerprint: string;
  creationRequestId: string;
  callbackUrl?: string;
  metadata?: Record<string, string>;
}

/** A ConnectPSP cash-in webhook, reduced by the API to what the workflow needs (no personal data). */
export interface CashInPspEvent {
  eventType: 'CASHIN_PAID' | 'CASHIN_REFUNDED';
  eventAt: string;
  transactionId: string;
  status: string;
  amountCentavos: number;
  endToEndId?: string;
  originalEndToEndId?: string;
  paidAt?: string;
}

export interface RefundRequest {
  reason: RefundReason;
  description?: string;
}

/** A payment to give back to its payer, the refund to ask ConnectPSP for, and why, for the timeline. */
export interface PaymentToGiveBack {
  payment: ReceivedPayment;
  request: RefundRequest;
  why: string;
}

/** What ConnectPSP answered to the create: the charge's ids and how the payer pays it. */
export interface CreatedCharge {
  transactionId: string;
  internalCode: string;
  copyAndPaste?: string;
  paymentUrl?: string;
}

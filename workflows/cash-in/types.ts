/**
 * The cash-in lifecycle's data, shared by the workflow and the API. Plain types only: workflow code must
 * stay free of zod and Node APIs. Money is integer centavos everywhere.
 */
import type { Attention } from '../lifecycle/attention.js';

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

export interface CashInInput {
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
  /** How long an EXPIRED cash-in keeps listening for a late payment to refund. */
  latePaymentWindowMinutes: number;
  /** A later run of a closed lifecycle (a refund or a late payment after it ended) starts from its last view. */
  resumeFrom?: CashInView;
  /**
   * Set by every starter since issue 14: the run creates its charge as a local activity in its first workflow task.
   * Said in the input rather than by a patch marker, which costs every run a history event and a search-attribute
   * upsert (TemporalChangeVersion). Runs without it decide by the marker, as they were recorded.
   */
  createInline?: true;
  /**
   * Set by every starter since issue 14's second change: a run that the payment completes at once leaves its
   * expiry timer pending instead of cancelling it (no TIMER_CANCELED event). Runs without it cancel the timer.
   */
  leavesExpiryTimer?: true;
}

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
  pix?: { copyAndPaste: string; qrCodeImageBase64: string };
  openFinance?: { paymentUrl: string };
  paidAt?: string;
  settledAt?: string;
  refundedAt?: string;
  failure?: { code: string; message: string };
  /** Set while the lifecycle is parked by our own fault (credentials, contract, a lost transaction). */
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

/** Refunds are accepted up to this long after payment (BACEN's PIX devolution limit). */
export const REFUND_LIMIT_DAYS = 90;

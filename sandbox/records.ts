import type {
  CashInStatus,
  CashOutFailure,
  CashOutStatus,
  PayerBankData,
  Payee,
  RefundCashInRequest,
  WebhookEventType,
} from '../connectpsp/schemas/index.js';

/**
 * What the sandbox keeps about each thing, in memory and in its journal. Plain data only, so the journal, the books
 * that change them and the code that restores them can all import this file without importing one another.
 */

export interface CashInRecord {
  transactionId: string;
  internalCode: string;
  externalReference: string;
  status: CashInStatus;
  amountCentavos: number;
  payer: { name: string; document: string; bankData: PayerBankData | null };
  endToEndId: string | null;
  originalEndToEndId: string | null;
  /**
   * The BR Code of a QR cash-in (absent for OpenFinance). Its PNG is rendered when a response needs it rather than
   * kept: rendering is deterministic, and keeping ~1 KB per cash-in slowed the garbage collector measurably.
   */
  copyAndPaste?: string;
  /** Present for OpenFinance cash-ins only. */
  openFinance?: { paymentUrl: string; redirectUrl: string | undefined };
  webhookUrl: string | undefined;
  requestedAtMs: number;
  expiresAtMs: number;
  paidAtMs: number | null;
  refundedAtMs: number | null;
  expiredAtMs: number | null;
  refund: RefundCashInRequest | null;
}

export interface CashOutRecord {
  transactionId: string;
  internalCode: string;
  externalReference: string;
  status: CashOutStatus;
  amountCentavos: number;
  description: string | null;
  payee: Payee;
  endToEndId: string | null;
  originalEndToEndId: string | null;
  failure: CashOutFailure | null;
  webhookUrl: string | undefined;
  requestedAtMs: number;
  completedAtMs: number | null;
  failedAtMs: number | null;
  refundedAtMs: number | null;
}

/** A response kept for replay: the exact status, content type and bytes first sent. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface IdempotencyEntry {
  fingerprint: string;
  response: StoredResponse;
  expiresAtMs: number;
}

/** A fault that shaped a webhook delivery. */
export type DeliveryFault = 'duplicate' | 'reorder' | 'delay';

export interface Delivery {
  deliveryId: string;
  url: string;
  body: string;
  signature: string;
  eventType: WebhookEventType;
  transactionId: string;
  fault?: DeliveryFault;
}

/** A delivery not yet done, as the journal keeps it: its next attempt and when that is due (wall time). */
export interface PendingDelivery {
  delivery: Delivery;
  attempt: number;
  dueAtMs: number;
}

/**
 * The cash-out lifecycle's data, shared by the workflow and the API. Plain types only: workflow code must
 * stay free of zod and Node APIs. Money is integer centavos everywhere; an absent field is left out (never `null`).
 */
import type { CashOutResult } from '../../activities/index.js';
import type { CashOutDestinationInput } from '../../activities/types.js';
import type { Attention } from '../lifecycle/view.js';

export const CashOutStatus = {
  CREATING: 'CREATING',
  PROCESSING: 'PROCESSING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  REFUNDED: 'REFUNDED',
} as const;
export type CashOutStatus = (typeof CashOutStatus)[keyof typeof CashOutStatus];

export interface CashOutPayee {
  name: string;
  document: string;
  destination: CashOutDestinationInput;
}

/** A new payout, as the service asked for it. */
export interface NewCashOut {
  kind: 'new';
  externalReference: string;
  amountCentavos: number;
  description?: string;
  /** Personal data: only ever handed to the create activity, never copied into the view, timeline or logs. */
  payee: CashOutPayee;
  callbackUrl?: string;
  /** Hash of the service's request, to tell a retry (same body) from a conflict (different body). */
  requestFingerprint: string;
  /** Unique per API request: tells the request that created the lifecycle (202) from its repeats (200). */
  creationRequestId: string;
  /** How long a COMPLETED cash-out stays open for CASHOUT_REFUNDED (the receiving bank returning it). */
  refundWindowMinutes: number;
  /** First wait for a webhook before asking ConnectPSP; each later wait doubles, up to an hour. */
  firstPollSeconds: number;
}

/**
 * A closed lifecycle reopened to record a return by the receiving bank that arrived after its run completed. The
 * new run starts from the last run's view; the payout is made once, by the first run.
 */
export interface ReopenedCashOut {
  kind: 'reopened';
  view: CashOutView;
}

export type CashOutInput = NewCashOut | ReopenedCashOut;

export interface CashOutTimelineEntry {
  status: CashOutStatus;
  at: string;
  reason: string;
}

export interface CashOutView {
  externalReference: string;
  status: CashOutStatus;
  amountCentavos: number;
  /** `PIX` or `BANK_ACCOUNT`, and the PIX key's type: enough for support, no personal data. */
  destination: { type: 'PIX' | 'BANK_ACCOUNT'; pixKeyType?: string };
  createdAt: string;
  connectPsp?: { transactionId: string; internalCode: string; endToEndId?: string; originalEndToEndId?: string };
  completedAt?: string;
  failedAt?: string;
  refundedAt?: string;
  failure?: { code: string; message: string };
  /** Set while the lifecycle is held up by our own fault (credentials, contract, a lost transaction). */
  attention?: Attention;
  timeline: CashOutTimelineEntry[];
  requestFingerprint: string;
  creationRequestId: string;
  callbackUrl?: string;
}

/**
 * What ConnectPSP says about a cash-out, from a CASHOUT_* webhook or a `GET /cash-out`, reduced by the edge to
 * ids, status, amount and failure (no payee data).
 */
export interface CashOutPspEvent {
  /** `POLL` when the workflow asked ConnectPSP itself. */
  eventType: 'CASHOUT_COMPLETED' | 'CASHOUT_FAILED' | 'CASHOUT_REFUNDED' | 'POLL';
  eventAt: string;
  transactionId: string;
  internalCode: string;
  /** ConnectPSP's status: PROCESSING, COMPLETED, FAILED, REFUNDED or CANCELLED. */
  status: string;
  amountCentavos: number;
  endToEndId?: string;
  originalEndToEndId?: string;
  failure?: { code: string; message: string };
  /** ConnectPSP's own times of the transitions, when it gave them. */
  completedAt?: string;
  failedAt?: string;
  refundedAt?: string;
}

/** What ConnectPSP reports of a payout (a poll, or the reconciliation's look-up) as one lifecycle event. */
export function cashOutEventOf(
  result: CashOutResult,
  eventType: CashOutPspEvent['eventType'],
  eventAt: string,
): CashOutPspEvent {
  return {
    eventType,
    eventAt,
    transactionId: result.transactionId,
    internalCode: result.internalCode,
    status: result.status,
    amountCentavos: result.amountCentavos,
    endToEndId: result.endToEndId,
    originalEndToEndId: result.originalEndToEndId,
    failure: result.failure,
    completedAt: result.completedAt,
    failedAt: result.failedAt,
    refundedAt: result.refundedAt,
  };
}

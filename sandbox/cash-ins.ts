import { centavosToBrl, brlToCentavos } from '../connectpsp/money.js';
import {
  CashInStatus,
  DEFAULT_CASH_IN_EXPIRATION_MINUTES,
  ProblemCode,
  WebhookEventType,
} from '../connectpsp/schemas/index.js';
import type {
  CashIn,
  CreateCashInRequest,
  PayerBankData,
  PixData,
  RefundCashInRequest,
} from '../connectpsp/schemas/index.js';
import type { ApplicationState } from './application.js';
import { dynamicBrCode } from './br-code.js';
import type { SandboxClock } from './clock.js';
import type { StateJournal } from './journal.js';
import { cashInInternalCode, cashInTransactionId, endToEndId, uniqueCode } from './ids.js';
import { PARTNER_BANK } from './ledger.js';
import { notFound, ProblemError, requireStatus } from './problem.js';
import { qrCodePng } from './qr-png.js';
import type { CashInRecord } from './records.js';
import { brasiliaTimestamp } from './timestamps.js';
import type { WebhookDispatcher } from './webhooks.js';

/** The payer's bank when a test pays without naming one: the documentation's example. */
export const DEFAULT_PAYER_BANK: PayerBankData = {
  ispb: '00000000',
  bank: 'Banco do Brasil S.A.',
  branch: '0001',
  account: '123456',
};

export interface CashInBookDeps {
  clock: SandboxClock;
  webhooks: WebhookDispatcher;
  defaultWebhookUrl: string | undefined;
  autoPayMs: number | undefined;
  schedule(ms: number, run: () => void): void;
  journal?: StateJournal;
}

/** Cash-in lifecycle: AWAITING_PAYMENT → PAID → REFUNDED, or → EXPIRED / CANCELLED. */
export class CashInBook {
  /** Unpaid cash-ins, so the expiry sweep does not scan settled ones. */
  private readonly awaiting = new Map<CashInRecord, ApplicationState>();

  constructor(private readonly deps: CashInBookDeps) {}

  create(app: ApplicationState, request: CreateCashInRequest, openFinanceBaseUrl: string): CashInRecord {
    if (app.cashInsByReference.has(request.externalReference)) {
      throw new ProblemError(
        409,
        ProblemCode.DUPLICATE_EXTERNAL_REFERENCE,
        `A cash-in with externalReference ${request.externalReference} already exists.`,
      );
    }
    const now = this.deps.clock.now();
    const transactionId = cashInTransactionId();
    const record: CashInRecord = {
      transactionId,
      internalCode: uniqueCode(app.cashIns, cashInInternalCode),
      externalReference: request.externalReference,
      status: CashInStatus.AWAITING_PAYMENT,
      amountCentavos: brlToCentavos(request.amount),
      payer: { name: request.payer.name, document: request.payer.document, bankData: null },
      endToEndId: null,
      originalEndToEndId: null,
      webhookUrl: request.webhookUrl ?? this.deps.defaultWebhookUrl,
      requestedAtMs: now,
      expiresAtMs: now + (request.expirationInMinutes ?? DEFAULT_CASH_IN_EXPIRATION_MINUTES) * 60_000,
      paidAtMs: null,
      refundedAtMs: null,
      expiredAtMs: null,
      refund: null,
    };
    if (request.openFinance === undefined) {
      record.copyAndPaste = dynamicBrCode(transactionId);
    } else {
      record.openFinance = {
        paymentUrl: `${openFinanceBaseUrl}/_sandbox/open-finance/${transactionId}`,
        redirectUrl: request.openFinance.redirectUrl,
      };
    }
    this.install(app, record);
    this.save(app, record);
    return record;
  }

  /** Indexes a cash-in, new or restored from the journal, and schedules its auto-payment if it awaits one. */
  install(app: ApplicationState, record: CashInRecord): void {
    for (const id of [record.transactionId, record.internalCode, record.endToEndId, record.originalEndToEndId]) {
      if (id !== null) app.cashIns.set(id, record);
    }
    app.cashInsByReference.set(record.externalReference, record);
    if (record.status !== CashInStatus.AWAITING_PAYMENT) return;
    this.awaiting.set(record, app);
    const autoPayMs = this.deps.autoPayMs;
    if (autoPayMs !== undefined) {
      const dueInMs = Math.max(0, record.requestedAtMs + autoPayMs - this.deps.clock.now());
      this.deps.schedule(dueInMs, () => {
        if (this.refresh(record).status === CashInStatus.AWAITING_PAYMENT) this.pay(app, record);
      });
    }
  }

  /** @throws {@link ProblemError} 404 when no cash-in of this application has that TxId, internal code or E2E id. */
  find(app: ApplicationState, id: string): CashInRecord {
    const record = app.cashIns.get(id);
    if (record === undefined) throw notFound(id);
    return this.refresh(record);
  }

  /** Marks the cash-in EXPIRED if its QR code's validity has passed on the sandbox clock. */
  refresh(record: CashInRecord): CashInRecord {
    if (record.status === CashInStatus.AWAITING_PAYMENT && this.deps.clock.now() >= record.expiresAtMs) {
      this.markExpired(record, record.expiresAtMs);
    }
    return record;
  }

  sweepExpired(): void {
    const now = this.deps.clock.now();
    for (const record of this.awaiting.keys())
      if (now >= record.expiresAtMs) this.markExpired(record, record.expiresAtMs);
  }

  pay(app: ApplicationState, record: CashInRecord, bankData?: PayerBankData, withholdEndToEndId = false): CashInRecord {
    this.refresh(record);
    if (record.status === CashInStatus.PAID && record.endToEndId === null && !withholdEndToEndId) {
      // The settlement proof arriving after the payment itself.
      this.assignEndToEndId(app, record);
      this.save(app, record);
      return record;
    }
    requireStatus('Cash-in', record, CashInStatus.AWAITING_PAYMENT, 'paid');
    const now = this.deps.clock.now();
    record.status = CashInStatus.PAID;
    record.paidAtMs = now;
    record.payer.bankData = bankData ?? DEFAULT_PAYER_BANK;
    if (!withholdEndToEndId) this.assignEndToEndId(app, record);
    this.awaiting.delete(record);
    app.ledger.credit(record.amountCentavos);
    this.save(app, record);
    this.notify(app, record, WebhookEventType.CASHIN_PAID);
    return record;
  }

  expire(record: CashInRecord): CashInRecord {
    this.refresh(record);
    requireStatus('Cash-in', record, CashInStatus.AWAITING_PAYMENT, 'expired');
    this.markExpired(record, this.deps.clock.now());
    return record;
  }

  cancel(record: CashInRecord): CashInRecord {
    this.refresh(record);
    requireStatus('Cash-in', record, CashInStatus.AWAITING_PAYMENT, 'cancelled');
    record.status = CashInStatus.CANCELLED;
    this.settle(record);
    return record;
  }

  /** Full devolution, settled synchronously: the answer already carries the `D…` id. */
  refund(app: ApplicationState, record: CashInRecord, request: RefundCashInRequest): CashInRecord {
    this.refresh(record);
    const refusal = REFUND_REFUSALS[record.status];
    if (refusal !== undefined) throw new ProblemError(422, refusal.code, refusal.detail);
    if (record.endToEndId === null) {
      throw new ProblemError(
        422,
        ProblemCode.MISSING_END_TO_END_ID,
        'The settlement end-to-end id is not available yet; the refund cannot be processed.',
      );
    }
    app.ledger.debit(record.amountCentavos);
    const now = this.deps.clock.now();
    const devolutionId = endToEndId('D', PARTNER_BANK.ispb, now);
    record.status = CashInStatus.REFUNDED;
    record.originalEndToEndId = record.endToEndId;
    record.endToEndId = devolutionId;
    record.refundedAtMs = now;
    record.refund = request;
    app.cashIns.set(devolutionId, record);
    this.save(app, record);
    this.notify(app, record, WebhookEventType.CASHIN_REFUNDED);
    return record;
  }

  private assignEndToEndId(app: ApplicationState, record: CashInRecord): void {
    const id = endToEndId('E', record.payer.bankData?.ispb ?? DEFAULT_PAYER_BANK.ispb, this.deps.clock.now());
    record.endToEndId = id;
    app.cashIns.set(id, record);
  }

  private markExpired(record: CashInRecord, atMs: number): void {
    record.status = CashInStatus.EXPIRED;
    record.expiredAtMs = atMs;
    this.settle(record);
  }

  /** An unpaid cash-in reached a final state: no longer swept, and journalled. */
  private settle(record: CashInRecord): void {
    const app = this.awaiting.get(record);
    this.awaiting.delete(record);
    if (app !== undefined) this.save(app, record);
  }

  private save(app: ApplicationState, record: CashInRecord): void {
    this.deps.journal?.append({ t: 'cashIn', app: app.credentials.applicationToken, record });
  }

  private notify(app: ApplicationState, record: CashInRecord, eventType: WebhookEventType): void {
    if (record.webhookUrl === undefined) return;
    this.deps.webhooks.dispatch(record.webhookUrl, app.credentials.cryptoToken, eventType, cashInView(record));
  }
}

const REFUND_REFUSALS: Partial<Record<CashInStatus, { code: string; detail: string }>> = {
  AWAITING_PAYMENT: {
    code: ProblemCode.CASH_IN_NOT_PAID,
    detail: 'Only paid cash-ins can be refunded; this one is not paid.',
  },
  REFUNDED: { code: ProblemCode.CASH_IN_ALREADY_REFUNDED, detail: 'This cash-in has already been refunded.' },
  EXPIRED: { code: ProblemCode.CASH_IN_EXPIRED, detail: 'This cash-in expired without payment.' },
  CANCELLED: { code: ProblemCode.CASH_IN_CANCELLED, detail: 'This cash-in was cancelled.' },
};

/** The GET /cash-in/{id} body; unset timestamps and end-to-end ids are null. */
export function cashInView(record: CashInRecord): CashIn {
  const awaiting = record.status === CashInStatus.AWAITING_PAYMENT;
  return {
    transactionId: record.transactionId,
    internalCode: record.internalCode,
    externalReference: record.externalReference,
    endToEndId: record.endToEndId,
    originalEndToEndId: record.originalEndToEndId,
    status: record.status,
    amount: centavosToBrl(record.amountCentavos),
    payer: { ...record.payer },
    ...(record.copyAndPaste === undefined ? {} : { pixData: awaiting ? pixData(record.copyAndPaste) : null }),
    ...(record.openFinance === undefined ? {} : { paymentUrl: awaiting ? record.openFinance.paymentUrl : null }),
    requestedAt: brasiliaTimestamp(record.requestedAtMs),
    paidAt: record.paidAtMs === null ? null : brasiliaTimestamp(record.paidAtMs),
    refundedAt: record.refundedAtMs === null ? null : brasiliaTimestamp(record.refundedAtMs),
    expiredAt: record.expiredAtMs === null ? null : brasiliaTimestamp(record.expiredAtMs),
  };
}

function pixData(copyAndPaste: string): PixData {
  return { copyAndPaste, qrCodeImageBase64: qrCodePng(copyAndPaste).toString('base64') };
}

import { brlToCentavos, centavosToBrl } from '../connectpsp/money.js';
import { CashOutStatus, ProblemCode, WebhookEventType } from '../connectpsp/schemas/index.js';
import type { CashOut, CashOutFailure, CreateCashOutRequest } from '../connectpsp/schemas/index.js';
import type { ApplicationState } from './application.js';
import type { SandboxClock } from './clock.js';
import type { StateJournal } from './journal.js';
import { cashOutInternalCode, cashOutTransactionId, endToEndId, uniqueCode } from './ids.js';
import { PARTNER_BANK } from './ledger.js';
import { notFound, ProblemError, requireStatus } from './problem.js';
import type { CashOutRecord } from './records.js';
import { brasiliaTimestamp } from './timestamps.js';
import type { WebhookDispatcher } from './webhooks.js';

/** The failure a test gets when it fails a cash-out without naming one: the documentation's example. */
export const DEFAULT_CASH_OUT_FAILURE: CashOutFailure = {
  code: 'PIX_KEY_NOT_FOUND',
  message: 'The provided PIX key did not resolve to a valid account.',
};

export interface CashOutBookDeps {
  clock: SandboxClock;
  webhooks: WebhookDispatcher;
  defaultWebhookUrl: string | undefined;
  autoCompleteMs: number | undefined;
  schedule(ms: number, run: () => void): void;
  journal?: StateJournal;
}

/**
 * Cash-out lifecycle: PROCESSING → COMPLETED → REFUNDED (returned by the receiving bank), or PROCESSING → FAILED /
 * CANCELLED. The amount leaves the transactional balance on acceptance and comes back on FAILED, CANCELLED, REFUNDED.
 */
export class CashOutBook {
  constructor(private readonly deps: CashOutBookDeps) {}

  create(app: ApplicationState, request: CreateCashOutRequest): CashOutRecord {
    if (app.cashOutsByReference.has(request.externalReference)) {
      throw new ProblemError(
        409,
        ProblemCode.DUPLICATE_EXTERNAL_REFERENCE,
        `A cash-out with externalReference ${request.externalReference} already exists.`,
      );
    }
    const amountCentavos = brlToCentavos(request.amount);
    app.ledger.debit(amountCentavos);
    const record: CashOutRecord = {
      transactionId: cashOutTransactionId(),
      internalCode: uniqueCode(app.cashOuts, cashOutInternalCode),
      externalReference: request.externalReference,
      status: CashOutStatus.PROCESSING,
      amountCentavos,
      description: request.description ?? null,
      payee: request.payee,
      endToEndId: null,
      originalEndToEndId: null,
      failure: null,
      webhookUrl: request.webhookUrl ?? this.deps.defaultWebhookUrl,
      requestedAtMs: this.deps.clock.now(),
      completedAtMs: null,
      failedAtMs: null,
      refundedAtMs: null,
    };
    this.install(app, record);
    this.save(app, record);
    return record;
  }

  /** Indexes a cash-out, new or restored from the journal, and schedules its auto-completion if it is processing. */
  install(app: ApplicationState, record: CashOutRecord): void {
    for (const id of [record.transactionId, record.internalCode, record.endToEndId, record.originalEndToEndId]) {
      if (id !== null) app.cashOuts.set(id, record);
    }
    app.cashOutsByReference.set(record.externalReference, record);
    const autoCompleteMs = this.deps.autoCompleteMs;
    if (autoCompleteMs !== undefined && record.status === CashOutStatus.PROCESSING) {
      const dueInMs = Math.max(0, record.requestedAtMs + autoCompleteMs - this.deps.clock.now());
      this.deps.schedule(dueInMs, () => {
        if (record.status === CashOutStatus.PROCESSING) this.complete(app, record);
      });
    }
  }

  /** @throws {@link ProblemError} 404 when no cash-out of this application has that id, internal code or E2E id. */
  find(app: ApplicationState, id: string): CashOutRecord {
    const record = app.cashOuts.get(id);
    if (record === undefined) throw notFound(id);
    return record;
  }

  complete(app: ApplicationState, record: CashOutRecord): CashOutRecord {
    requireStatus('Cash-out', record, CashOutStatus.PROCESSING, 'completed');
    const now = this.deps.clock.now();
    record.status = CashOutStatus.COMPLETED;
    record.completedAtMs = now;
    record.endToEndId = endToEndId('E', PARTNER_BANK.ispb, now);
    app.cashOuts.set(record.endToEndId, record);
    this.save(app, record);
    this.notify(app, record, WebhookEventType.CASHOUT_COMPLETED);
    return record;
  }

  fail(app: ApplicationState, record: CashOutRecord, failure: CashOutFailure): CashOutRecord {
    requireStatus('Cash-out', record, CashOutStatus.PROCESSING, 'failed');
    record.status = CashOutStatus.FAILED;
    record.failedAtMs = this.deps.clock.now();
    record.failure = failure;
    app.ledger.credit(record.amountCentavos);
    this.save(app, record);
    this.notify(app, record, WebhookEventType.CASHOUT_FAILED);
    return record;
  }

  cancel(app: ApplicationState, record: CashOutRecord): CashOutRecord {
    requireStatus('Cash-out', record, CashOutStatus.PROCESSING, 'cancelled');
    record.status = CashOutStatus.CANCELLED;
    app.ledger.credit(record.amountCentavos);
    this.save(app, record);
    return record;
  }

  /** The receiving bank sends the money back (a devolution with a `D…` id issued by the receiving side). */
  refund(app: ApplicationState, record: CashOutRecord): CashOutRecord {
    requireStatus('Cash-out', record, CashOutStatus.COMPLETED, 'refunded');
    const now = this.deps.clock.now();
    const receiverIspb =
      record.payee.destination.type === 'BANK_ACCOUNT' ? record.payee.destination.bankAccount.ispb : PARTNER_BANK.ispb;
    record.status = CashOutStatus.REFUNDED;
    record.refundedAtMs = now;
    record.originalEndToEndId = record.endToEndId;
    record.endToEndId = endToEndId('D', receiverIspb, now);
    app.cashOuts.set(record.endToEndId, record);
    app.ledger.credit(record.amountCentavos);
    this.save(app, record);
    this.notify(app, record, WebhookEventType.CASHOUT_REFUNDED);
    return record;
  }

  private save(app: ApplicationState, record: CashOutRecord): void {
    this.deps.journal?.append({ t: 'cashOut', app: app.credentials.applicationToken, record });
  }

  private notify(app: ApplicationState, record: CashOutRecord, eventType: WebhookEventType): void {
    if (record.webhookUrl === undefined) return;
    this.deps.webhooks.dispatch(record.webhookUrl, app.credentials.cryptoToken, eventType, cashOutView(record));
  }
}

/** The GET /cash-out/{id} body; `failure` appears only on FAILED cash-outs. */
export function cashOutView(record: CashOutRecord): CashOut {
  const at = (ms: number | null) => (ms === null ? null : brasiliaTimestamp(ms));
  return {
    transactionId: record.transactionId,
    internalCode: record.internalCode,
    externalReference: record.externalReference,
    endToEndId: record.endToEndId,
    originalEndToEndId: record.originalEndToEndId,
    status: record.status,
    amount: centavosToBrl(record.amountCentavos),
    description: record.description,
    ...(record.status === CashOutStatus.FAILED && record.failure !== null ? { failure: record.failure } : {}),
    payee: record.payee,
    requestedAt: brasiliaTimestamp(record.requestedAtMs),
    completedAt: at(record.completedAtMs),
    failedAt: at(record.failedAtMs),
    refundedAt: at(record.refundedAtMs),
  };
}

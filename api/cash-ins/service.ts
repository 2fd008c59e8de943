import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../config/env.js';
import { formatBrl } from '../../connectpsp/money.js';
import { cashIn } from '../../workflows/cash-in/workflow.js';
import {
  cashInEventSignal,
  cashInViewQuery,
  cashInWorkflowId,
  createCashInUpdate,
  refundCashInUpdate,
  settleCashInUpdate,
} from '../../workflows/cash-in/messages.js';
import type { CashInInput, CashInPspEvent, CashInView, RefundRequest } from '../../workflows/cash-in/types.js';
import {
  PaymentAmountCentavos,
  PaymentKind,
  PaymentReference,
  PaymentStatus,
} from '../../workflows/search-attributes.js';
import { conflict, notFound, type Problem } from '../problem.js';
import { requestFingerprint } from '../request-fingerprint.js';
import type { CreateCashInBody } from '../schemas/cash-in.js';

export type CreateOutcome = { created: boolean; view: CashInView };

/**
 * Everything the API asks Temporal about cash-ins. One workflow per `externalReference`; a lifecycle whose
 * run closed is reopened in a new run (`resumeFrom`) for a refund or a late payment, never duplicated.
 */
export class CashInService {
  constructor(
    private readonly temporal: Client,
    private readonly config: Config,
  ) {}

  async create(body: CreateCashInBody): Promise<CreateOutcome> {
    const fingerprint = requestFingerprint(body);
    const input: CashInInput = {
      externalReference: body.externalReference,
      amountCentavos: body.amount,
      expirationInMinutes: body.expirationInMinutes,
      payer: body.payer,
      openFinance: body.openFinance,
      settlement: body.settlement,
      callbackUrl: body.callbackUrl,
      metadata: body.metadata,
      requestFingerprint: fingerprint,
      latePaymentWindowMinutes: this.config.LATE_PAYMENT_WINDOW_MINUTES,
      creationRequestId: randomUUID(),
    };
    const workflowId = cashInWorkflowId(body.externalReference);
    const start = new WithStartWorkflowOperation(cashIn, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      // A running lifecycle answers the repeated request; a closed one is never started again by a create.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: PaymentKind, value: 'CASH_IN' },
        { key: PaymentStatus, value: 'CREATING' },
        { key: PaymentReference, value: body.externalReference },
        { key: PaymentAmountCentavos, value: body.amount },
      ],
      staticSummary: `Cash-in R$ ${formatBrl(body.amount)} · ref ${body.externalReference}`,
    });
    let view: CashInView;
    try {
      view = await this.temporal.workflow.executeUpdateWithStart(createCashInUpdate, { startWorkflowOperation: start });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      view = await this.closedView(workflowId);
    }
    if (view.requestFingerprint !== fingerprint) {
      throw conflict(
        'EXTERNAL_REFERENCE_CONFLICT',
        `A different cash-in already exists for externalReference ${body.externalReference}`,
        { currentStatus: view.status },
      );
    }
    return { created: view.creationRequestId === input.creationRequestId, view };
  }

  async get(externalReference: string): Promise<CashInView> {
    const handle = this.temporal.workflow.getHandle(cashInWorkflowId(externalReference));
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') return await handle.query(cashInViewQuery);
      return await handle.result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw notFound(`No cash-in with externalReference ${externalReference}`);
      throw err;
    }
  }

  async settle(externalReference: string): Promise<CashInView> {
    const handle = this.temporal.workflow.getHandle(cashInWorkflowId(externalReference));
    return this.runningUpdate(externalReference, () => handle.executeUpdate(settleCashInUpdate));
  }

  async refund(externalReference: string, request: RefundRequest): Promise<CashInView> {
    const workflowId = cashInWorkflowId(externalReference);
    const handle = this.temporal.workflow.getHandle(workflowId);
    const current = await this.get(externalReference);
    if (current.status !== 'SETTLED' && current.status !== 'PAID') throw invalidState(current.status);
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') {
      return this.runningUpdate(externalReference, () => handle.executeUpdate(refundCashInUpdate, { args: [request] }));
    }
    return this.runningUpdate(externalReference, () =>
      this.temporal.workflow.executeUpdateWithStart(refundCashInUpdate, {
        args: [request],
        startWorkflowOperation: this.reopen(current),
      }),
    );
  }

  /** Delivers a verified ConnectPSP event; reopens a closed lifecycle when the event is news to it. */
  async deliverEvent(
    externalReference: string,
    event: CashInPspEvent,
  ): Promise<'signalled' | 'reopened' | 'known' | 'unknown'> {
    const workflowId = cashInWorkflowId(externalReference);
    const handle = this.temporal.workflow.getHandle(workflowId);
    let running: boolean;
    try {
      running = (await handle.describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'unknown';
      throw err;
    }
    if (running) {
      try {
        await handle.signal(cashInEventSignal, event);
        return 'signalled';
      } catch (err) {
        // It closed between describe and signal: fall through to the closed-lifecycle path.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    const view = await this.closedView(workflowId);
    if (!isNews(view, event)) return 'known';
    await this.temporal.workflow.signalWithStart(cashIn, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [this.resumeInput(view)],
      signal: cashInEventSignal,
      signalArgs: [event],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: this.searchAttributes(view),
    });
    return 'reopened';
  }

  private reopen(view: CashInView) {
    return new WithStartWorkflowOperation(cashIn, {
      workflowId: cashInWorkflowId(view.externalReference),
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [this.resumeInput(view)],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: this.searchAttributes(view),
      staticSummary: `Cash-in R$ ${formatBrl(view.amountCentavos)} · ref ${view.externalReference} (reopened)`,
    });
  }

  private resumeInput(view: CashInView): CashInInput {
    return {
      externalReference: view.externalReference,
      amountCentavos: view.amountCentavos,
      expirationInMinutes: 0,
      payer: { name: '', document: '' },
      settlement: { mode: view.settlementMode, windowMinutes: 0 },
      requestFingerprint: view.requestFingerprint,
      latePaymentWindowMinutes: this.config.LATE_PAYMENT_WINDOW_MINUTES,
      creationRequestId: view.creationRequestId,
      callbackUrl: view.callbackUrl,
      resumeFrom: view,
    };
  }

  private searchAttributes(view: CashInView) {
    return [
      { key: PaymentKind, value: 'CASH_IN' },
      { key: PaymentStatus, value: view.status },
      { key: PaymentReference, value: view.externalReference },
      { key: PaymentAmountCentavos, value: view.amountCentavos },
    ];
  }

  private async closedView(workflowId: string): Promise<CashInView> {
    return this.temporal.workflow.getHandle<typeof cashIn>(workflowId).result();
  }

  /** Runs an update; a validator's refusal becomes a 409 naming the current status. */
  private async runningUpdate(externalReference: string, update: () => Promise<CashInView>): Promise<CashInView> {
    try {
      return await update();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        const view = await this.get(externalReference);
        throw invalidState(view.status);
      }
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const status = typeof err.cause.details?.[0] === 'string' ? err.cause.details[0] : undefined;
        throw conflict(err.cause.type ?? 'INVALID_STATE', err.cause.message, { currentStatus: status });
      }
      throw err;
    }
  }
}

function invalidState(status: string): Problem {
  return conflict('INVALID_STATE', `The cash-in is ${status}: this action is not allowed now`, {
    currentStatus: status,
  });
}

/** Whether a closed lifecycle has not seen this event yet (a new payment, or a refund it did not record). */
function isNews(view: CashInView, event: CashInPspEvent): boolean {
  if (event.eventType === 'CASHIN_PAID') return !view.payments.some((p) => p.endToEndId === event.endToEndId);
  return view.payments.some((p) => p.disposition !== 'REFUNDED' && p.endToEndId === event.originalEndToEndId);
}

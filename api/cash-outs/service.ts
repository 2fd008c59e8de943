import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { Config } from '../../config/env.js';
import { formatBrl } from '../../connectpsp/money.js';
import {
  cashOutEventSignal,
  cashOutViewQuery,
  cashOutWorkflowId,
  createCashOutUpdate,
} from '../../workflows/cash-out/messages.js';
import type { CashOutInput, CashOutPspEvent, CashOutView } from '../../workflows/cash-out/types.js';
import { cashOut } from '../../workflows/cash-out/workflow.js';
import {
  PaymentAmountCentavos,
  PaymentKind,
  PaymentReference,
  PaymentStatus,
} from '../../workflows/search-attributes.js';
import { conflict, notFound } from '../problem.js';
import { requestFingerprint } from '../request-fingerprint.js';
import type { CreateCashOutBody } from '../schemas/cash-out.js';

export type CreateCashOutOutcome = { created: boolean; view: CashOutView };
export type DeliveryOutcome = 'signalled' | 'reopened' | 'known' | 'unknown';

/**
 * Everything the API asks Temporal about cash-outs. One workflow per `externalReference`, never started twice;
 * a lifecycle whose run closed is reopened in a new run (`resumeFrom`) only to record a late return.
 */
export class CashOutService {
  constructor(
    private readonly temporal: Client,
    private readonly config: Config,
  ) {}

  async create(body: CreateCashOutBody): Promise<CreateCashOutOutcome> {
    const fingerprint = requestFingerprint(body);
    const input: CashOutInput = {
      externalReference: body.externalReference,
      amountCentavos: body.amount,
      description: body.description,
      payee: body.payee,
      callbackUrl: body.callbackUrl,
      requestFingerprint: fingerprint,
      creationRequestId: randomUUID(),
      refundWindowMinutes: this.config.CASH_OUT_REFUND_WINDOW_MINUTES,
      firstPollSeconds: this.config.CASH_OUT_FIRST_POLL_SECONDS,
    };
    const workflowId = cashOutWorkflowId(body.externalReference);
    const start = new WithStartWorkflowOperation(cashOut, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      // A running lifecycle answers the repeated request; a closed one is never started again by a create.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: searchAttributes(body.externalReference, 'CREATING', body.amount),
      staticSummary: `Cash-out R$ ${formatBrl(body.amount)} · ref ${body.externalReference}`,
    });
    let view: CashOutView;
    try {
      view = await this.temporal.workflow.executeUpdateWithStart(createCashOutUpdate, {
        startWorkflowOperation: start,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      view = await this.closedView(workflowId);
    }
    if (view.requestFingerprint !== fingerprint) {
      throw conflict(
        'EXTERNAL_REFERENCE_CONFLICT',
        `A different cash-out already exists for externalReference ${body.externalReference}`,
        { currentStatus: view.status },
      );
    }
    return { created: view.creationRequestId === input.creationRequestId, view };
  }

  async get(externalReference: string): Promise<CashOutView> {
    const handle = this.temporal.workflow.getHandle(cashOutWorkflowId(externalReference));
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') return await handle.query(cashOutViewQuery);
      return await handle.result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw notFound(`No cash-out with externalReference ${externalReference}`);
      throw err;
    }
  }

  /** Delivers a verified ConnectPSP event; reopens a closed lifecycle when the event is news to it. */
  async deliverEvent(externalReference: string, event: CashOutPspEvent): Promise<DeliveryOutcome> {
    const workflowId = cashOutWorkflowId(externalReference);
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
        await handle.signal(cashOutEventSignal, event);
        return 'signalled';
      } catch (err) {
        // It closed between describe and signal: fall through to the closed-lifecycle path.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    const view = await this.closedView(workflowId);
    // Only a return of a payout that completed is news after the run closed; anything else it already knows.
    if (!(view.status === 'COMPLETED' && event.status === 'REFUNDED')) return 'known';
    await this.temporal.workflow.signalWithStart(cashOut, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [this.resumeInput(view)],
      signal: cashOutEventSignal,
      signalArgs: [event],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: searchAttributes(view.externalReference, view.status, view.amountCentavos),
      staticSummary: `Cash-out R$ ${formatBrl(view.amountCentavos)} · ref ${view.externalReference} (reopened)`,
    });
    return 'reopened';
  }

  private resumeInput(view: CashOutView): CashOutInput {
    return {
      externalReference: view.externalReference,
      amountCentavos: view.amountCentavos,
      callbackUrl: view.callbackUrl,
      requestFingerprint: view.requestFingerprint,
      creationRequestId: view.creationRequestId,
      refundWindowMinutes: this.config.CASH_OUT_REFUND_WINDOW_MINUTES,
      firstPollSeconds: this.config.CASH_OUT_FIRST_POLL_SECONDS,
      resumeFrom: view,
    };
  }

  private async closedView(workflowId: string): Promise<CashOutView> {
    return this.temporal.workflow.getHandle<typeof cashOut>(workflowId).result();
  }
}

function searchAttributes(externalReference: string, status: string, amountCentavos: number) {
  return [
    { key: PaymentKind, value: 'CASH_OUT' },
    { key: PaymentStatus, value: status },
    { key: PaymentReference, value: externalReference },
    { key: PaymentAmountCentavos, value: amountCentavos },
  ];
}

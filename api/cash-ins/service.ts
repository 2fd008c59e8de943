import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../config/env.js';
import { cashIn } from '../../workflows/cash-in/workflow.js';
import {
  cashInEventSignal,
  cashInViewQuery,
  cashInWorkflowId,
  createCashInUpdate,
  refundCashInUpdate,
  settleCashInUpdate,
} from '../../workflows/cash-in/messages.js';
import type {
  CashInInput,
  CashInPspEvent,
  CashInView,
  NewCashIn,
  RefundRequest,
} from '../../workflows/cash-in/types.js';
import { conflict, unavailable, type Problem } from '../problem.js';
import type { LastKnown } from '../lifecycles/last-known.js';
import { LifecycleWorkflows, type DeliveryOutcome, type MaybeStale } from '../lifecycles/lifecycle-workflows.js';
import { requestFingerprint } from '../request-fingerprint.js';
import type { CreateCashInBody } from '../schemas/cash-in.js';

/** `input` is what the lifecycle was asked to start with: a caller that awaits the run attaches with it. */
export type CreateOutcome = { created: boolean; view: MaybeStale<CashInView>; input: NewCashIn };

/**
 * Everything the API asks Temporal about cash-ins. One workflow per `externalReference`; a lifecycle whose
 * run closed is reopened in a new run for a refund or a late payment, never duplicated.
 */
export class CashInService {
  private readonly lifecycles: LifecycleWorkflows<CashInView, CashInPspEvent, NewCashIn>;

  constructor(
    private readonly temporal: Client,
    private readonly config: Config,
  ) {
    this.lifecycles = new LifecycleWorkflows<CashInView, CashInPspEvent, NewCashIn>(
      temporal,
      config.TEMPORAL_TASK_QUEUE,
      {
        kind: 'CASH_IN',
        noun: 'cash-in',
        workflow: cashIn,
        workflowId: cashInWorkflowId,
        createUpdate: createCashInUpdate,
        viewQuery: cashInViewQuery,
        eventSignal: cashInEventSignal,
        mustReopenFor,
        staleView,
      },
      { createWaitMs: config.CREATE_WAIT_SECONDS * 1000, readWaitMs: config.READ_WAIT_MS },
    );
  }

  async create(body: CreateCashInBody): Promise<CreateOutcome> {
    const fingerprint = requestFingerprint(body);
    const input: NewCashIn = {
      kind: 'new',
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
    return { ...(await this.lifecycles.create(input)), input };
  }

  /** How the cash-in's workflow is started or attached to (see `LifecycleWorkflows.startOptions`). */
  startOptions(input: NewCashIn) {
    return this.lifecycles.startOptions(input);
  }

  get(externalReference: string): Promise<MaybeStale<CashInView>> {
    return this.lifecycles.get(externalReference);
  }

  async settle(externalReference: string): Promise<CashInView> {
    const handle = this.temporal.workflow.getHandle(cashInWorkflowId(externalReference));
    return this.runningUpdate(externalReference, () => handle.executeUpdate(settleCashInUpdate));
  }

  /** A refund of a running cash-in, or of a closed one (reopened from its last view for it), in one call. */
  async refund(externalReference: string, request: RefundRequest): Promise<CashInView> {
    const current = await this.get(externalReference);
    // A stale view lacks the payments: never decide a refund (or reopen a lifecycle) on it.
    if (current.stale) throw unavailable('The cash-in’s workflow did not answer in time; retry shortly');
    if (current.status !== 'SETTLED' && current.status !== 'PAID') throw invalidState(current.status);
    return this.runningUpdate(externalReference, () => this.lifecycles.update(current, refundCashInUpdate, [request]));
  }

  /** Delivers a verified ConnectPSP event; reopens a closed lifecycle when the event is news to it. */
  deliverEvent(externalReference: string, event: CashInPspEvent): Promise<DeliveryOutcome> {
    return this.lifecycles.deliverEvent(externalReference, event);
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
function mustReopenFor(view: CashInView, event: CashInPspEvent): boolean {
  if (event.eventType === 'CASHIN_PAID') return !view.payments.some((p) => p.endToEndId === event.endToEndId);
  return view.payments.some((p) => p.disposition !== 'REFUNDED' && p.endToEndId === event.originalEndToEndId);
}

/** The charge as its run's start input and search attributes tell it (no timeline: only the workflow has it). */
function staleView({ input, status, startedAt }: LastKnown<CashInInput>): CashInView {
  const base: CashInView =
    input.kind === 'reopened'
      ? input.view
      : {
          externalReference: input.externalReference,
          status: 'CREATING',
          amountCentavos: input.amountCentavos,
          settlementMode: input.settlement.mode,
          createdAt: startedAt,
          payments: [],
          timeline: [],
          requestFingerprint: input.requestFingerprint,
          creationRequestId: input.creationRequestId,
          callbackUrl: input.callbackUrl,
          metadata: input.metadata,
        };
  return { ...base, status: (status as CashInView['status'] | undefined) ?? base.status, attention: undefined };
}

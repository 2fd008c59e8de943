import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.js';
import {
  cashOutEventSignal,
  cashOutViewQuery,
  cashOutWorkflowId,
  createCashOutUpdate,
} from '../../workflows/cash-out/messages.js';
import type { CashOutInput, CashOutPspEvent, CashOutView, NewCashOut } from '../../workflows/cash-out/types.js';
import { cashOut } from '../../workflows/cash-out/workflow.js';
import type { LastKnown } from '../lifecycles/last-known.js';
import { LifecycleWorkflows, type DeliveryOutcome, type MaybeStale } from '../lifecycles/lifecycle-workflows.js';
import { requestFingerprint } from '../request-fingerprint.js';
import type { CreateCashOutBody } from '../schemas/cash-out.js';

/** `input` is what the lifecycle was asked to start with: a caller that awaits the run attaches with it. */
export type CreateCashOutOutcome = { created: boolean; view: MaybeStale<CashOutView>; input: NewCashOut };
export type { DeliveryOutcome };

/**
 * Everything the API asks Temporal about cash-outs. One workflow per `externalReference`, never started twice;
 * a lifecycle whose run closed is reopened in a new run only to record a late return.
 */
export class CashOutService {
  private readonly lifecycles: LifecycleWorkflows<CashOutView, CashOutPspEvent, NewCashOut>;

  constructor(
    temporal: Client,
    private readonly config: Config,
  ) {
    this.lifecycles = new LifecycleWorkflows<CashOutView, CashOutPspEvent, NewCashOut>(
      temporal,
      config.TEMPORAL_TASK_QUEUE,
      {
        kind: 'CASH_OUT',
        noun: 'cash-out',
        workflow: cashOut,
        workflowId: cashOutWorkflowId,
        createUpdate: createCashOutUpdate,
        viewQuery: cashOutViewQuery,
        eventSignal: cashOutEventSignal,
        // Only a return of a payout that completed is news after the run closed; anything else it already knows.
        mustReopenFor: (view, event) => view.status === 'COMPLETED' && event.status === 'REFUNDED',
        staleView,
      },
      { createWaitMs: config.CREATE_WAIT_SECONDS * 1000, readWaitMs: config.READ_WAIT_MS },
    );
  }

  async create(body: CreateCashOutBody): Promise<CreateCashOutOutcome> {
    const input: NewCashOut = {
      kind: 'new',
      externalReference: body.externalReference,
      amountCentavos: body.amount,
      description: body.description,
      payee: body.payee,
      callbackUrl: body.callbackUrl,
      requestFingerprint: requestFingerprint(body),
      creationRequestId: randomUUID(),
      refundWindowMinutes: this.config.CASH_OUT_REFUND_WINDOW_MINUTES,
      firstPollSeconds: this.config.CASH_OUT_FIRST_POLL_SECONDS,
    };
    return { ...(await this.lifecycles.create(input)), input };
  }

  /** How the payout's workflow is started or attached to (see `LifecycleWorkflows.startOptions`). */
  startOptions(input: NewCashOut) {
    return this.lifecycles.startOptions(input);
  }

  get(externalReference: string): Promise<MaybeStale<CashOutView>> {
    return this.lifecycles.get(externalReference);
  }

  /** Delivers a verified ConnectPSP event; reopens a closed lifecycle when the event is news to it. */
  deliverEvent(externalReference: string, event: CashOutPspEvent): Promise<DeliveryOutcome> {
    return this.lifecycles.deliverEvent(externalReference, event);
  }
}

/** The payout as its run's start input and search attributes tell it (no timeline: only the workflow has it). */
function staleView({ input, status, startedAt }: LastKnown<CashOutInput>): CashOutView {
  const base: CashOutView =
    input.kind === 'reopened'
      ? input.view
      : {
          externalReference: input.externalReference,
          status: 'CREATING',
          amountCentavos: input.amountCentavos,
          destination:
            input.payee.destination.type === 'PIX'
              ? { type: 'PIX', pixKeyType: input.payee.destination.pixKeyType }
              : { type: 'BANK_ACCOUNT' },
          createdAt: startedAt,
          timeline: [],
          requestFingerprint: input.requestFingerprint,
          creationRequestId: input.creationRequestId,
          callbackUrl: input.callbackUrl,
        };
  return { ...base, status: (status as CashOutView['status'] | undefined) ?? base.status, attention: undefined };
}

import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { formatBrl } from '../../connectpsp/money.js';
import { paymentSearchAttributes, type PaymentKindValue } from '../../workflows/search-attributes.js';
import { conflict, notFound } from '../problem.js';

/** What the API needs of every lifecycle's view. */
export interface LifecycleView {
  externalReference: string;
  status: string;
  amountCentavos: number;
  requestFingerprint: string;
  creationRequestId: string;
}

/** What the API needs of every lifecycle's input. */
export type LifecycleInput = Pick<
  LifecycleView,
  'externalReference' | 'amountCentavos' | 'requestFingerprint' | 'creationRequestId'
>;

export type DeliveryOutcome = 'signalled' | 'reopened' | 'known' | 'unknown';

/** One payment lifecycle as the API drives it: its workflow, messages, and how a closed run is reopened. */
export interface LifecycleSpec<V extends LifecycleView, E, I extends LifecycleInput> {
  kind: PaymentKindValue;
  /** `cash-in`: used in messages and in the workflow summary. */
  noun: string;
  workflow: (input: I) => Promise<V>;
  workflowId: (externalReference: string) => string;
  createUpdate: UpdateDefinition<V, []>;
  viewQuery: QueryDefinition<V>;
  eventSignal: SignalDefinition<[E]>;
  /** The input of a new run that continues a closed one from its last view. */
  resumeInput: (view: V) => I;
  /** Whether a closed lifecycle has not seen this event yet, so that it must be reopened for it. */
  isNews: (view: V, event: E) => boolean;
}

/**
 * The Temporal side of a payment lifecycle, shared by cash-ins and cash-outs. One workflow per
 * `externalReference`: a create never starts a closed lifecycle again, and a closed run is reopened in a new
 * run (`resumeFrom`) only for news it must act on.
 */
export class LifecycleWorkflows<V extends LifecycleView, E, I extends LifecycleInput> {
  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly spec: LifecycleSpec<V, E, I>,
  ) {}

  /** Starts the lifecycle (or attaches to it) and answers once its creation step is done. */
  async create(input: I): Promise<{ created: boolean; view: V }> {
    const workflowId = this.spec.workflowId(input.externalReference);
    const start = new WithStartWorkflowOperation(this.spec.workflow, {
      workflowId,
      taskQueue: this.taskQueue,
      args: [input],
      // A running lifecycle answers the repeated request; a closed one is never started again by a create.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: paymentSearchAttributes(
        this.spec.kind,
        input.externalReference,
        'CREATING',
        input.amountCentavos,
      ),
      staticSummary: this.summary(input.externalReference, input.amountCentavos),
    });
    let current: V;
    try {
      current = await this.temporal.workflow.executeUpdateWithStart(this.spec.createUpdate, {
        startWorkflowOperation: start,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      current = await this.closedView(workflowId);
    }
    if (current.requestFingerprint !== input.requestFingerprint) {
      throw conflict(
        'EXTERNAL_REFERENCE_CONFLICT',
        `A different ${this.spec.noun} already exists for externalReference ${input.externalReference}`,
        { currentStatus: current.status },
      );
    }
    return { created: current.creationRequestId === input.creationRequestId, view: current };
  }

  /** The current view: asked of the running workflow, or the closed run's result. */
  async get(externalReference: string): Promise<V> {
    const handle = this.temporal.workflow.getHandle(this.spec.workflowId(externalReference));
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') return await handle.query(this.spec.viewQuery);
      return await handle.result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw notFound(`No ${this.spec.noun} with externalReference ${externalReference}`);
      }
      throw err;
    }
  }

  async isRunning(externalReference: string): Promise<boolean> {
    const description = await this.temporal.workflow.getHandle(this.spec.workflowId(externalReference)).describe();
    return description.status.name === 'RUNNING';
  }

  /** Delivers a verified ConnectPSP event; reopens a closed lifecycle when the event is news to it. */
  async deliverEvent(externalReference: string, event: E): Promise<DeliveryOutcome> {
    const workflowId = this.spec.workflowId(externalReference);
    // Signal first: on the common path (a running lifecycle) that is the only call to Temporal.
    try {
      await this.temporal.workflow.getHandle(workflowId).signal(this.spec.eventSignal, event);
      return 'signalled';
    } catch (err) {
      // Not running: either it never existed, or its run closed.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    let view: V;
    try {
      view = await this.closedView(workflowId);
    } catch (err) {
      // Never existed, or ended without a view (terminated by an operator): kept for operators as unmatched.
      if (err instanceof WorkflowNotFoundError || err instanceof WorkflowFailedError) return 'unknown';
      throw err;
    }
    if (!this.spec.isNews(view, event)) return 'known';
    await this.temporal.workflow.signalWithStart(this.spec.workflow, {
      ...this.reopenOptions(view),
      signal: this.spec.eventSignal,
      signalArgs: [event],
    });
    return 'reopened';
  }

  /** The start operation of a new run continuing `view` (for update-with-start). */
  reopen(view: V): WithStartWorkflowOperation<(input: I) => Promise<V>> {
    return new WithStartWorkflowOperation(this.spec.workflow, this.reopenOptions(view));
  }

  private reopenOptions(view: V) {
    return {
      workflowId: this.spec.workflowId(view.externalReference),
      taskQueue: this.taskQueue,
      args: [this.spec.resumeInput(view)] as [I],
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
      typedSearchAttributes: paymentSearchAttributes(
        this.spec.kind,
        view.externalReference,
        view.status,
        view.amountCentavos,
      ),
      staticSummary: `${this.summary(view.externalReference, view.amountCentavos)} (reopened)`,
    };
  }

  private summary(externalReference: string, amountCentavos: number): string {
    const label = this.spec.noun.charAt(0).toUpperCase() + this.spec.noun.slice(1);
    return `${label} R$ ${formatBrl(amountCentavos)} · ref ${externalReference}`;
  }

  private closedView(workflowId: string): Promise<V> {
    return this.temporal.workflow.getHandle<(input: I) => Promise<V>>(workflowId).result();
  }
}

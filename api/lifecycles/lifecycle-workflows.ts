import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { formatBrl } from '../../connectpsp/money.js';
import { PaymentAttention, paymentSearchAttributes, type PaymentKindValue } from '../../workflows/search-attributes.js';
import { conflict, notFound, Problem, unavailable } from '../problem.js';
import { withinBudget } from './budget.js';
import { lastKnown, StartInputs, type LastKnown } from './last-known.js';

/** What the API needs of every lifecycle's view. */
export interface LifecycleView {
  externalReference: string;
  status: string;
  amountCentavos: number;
  requestFingerprint: string;
  creationRequestId: string;
}

/**
 * A view as the API answers it. `stale` is set when no worker answered in time: the view was rebuilt from what
 * Temporal holds (start input and search attributes), so it may lag behind; `attentionCode` comes with it.
 */
export type MaybeStale<V> = V & { stale?: { attentionCode: string | undefined } };

/** How long the API waits on Temporal: for a create to get past its first step, and for a view. */
export interface Budgets {
  createWaitMs: number;
  readWaitMs: number;
}

/** What the API needs of a new lifecycle's input. */
export type NewLifecycle = Pick<
  LifecycleView,
  'externalReference' | 'amountCentavos' | 'requestFingerprint' | 'creationRequestId'
> & { kind: 'new' };

/** A workflow's input: a new lifecycle, or a closed one reopened from its last view for one message. */
export type LifecycleInput<V, N> = N | { kind: 'reopened'; view: V };

/** How soon a service should ask again after a create that was not answered within its budget. */
const CREATE_RETRY_AFTER_SECONDS = 2;

export type DeliveryOutcome = 'signalled' | 'reopened' | 'known' | 'unknown';

/** One payment lifecycle as the API drives it: its workflow and messages, and what a closed run must reopen for. */
export interface LifecycleSpec<V extends LifecycleView, E, N extends NewLifecycle> {
  kind: PaymentKindValue;
  /** `cash-in`: used in messages and in the workflow summary. */
  noun: string;
  workflow: (input: LifecycleInput<V, N>) => Promise<V>;
  workflowId: (externalReference: string) => string;
  createUpdate: UpdateDefinition<V, []>;
  viewQuery: QueryDefinition<V>;
  eventSignal: SignalDefinition<[E]>;
  /** Whether a closed lifecycle has not seen this event yet, so that it must be reopened for it. */
  mustReopenFor: (view: V, event: E) => boolean;
  /** The view rebuilt without a worker from the run's start input and search attributes. */
  staleView: (known: LastKnown<LifecycleInput<V, N>>) => V;
}

/**
 * The Temporal side of a payment lifecycle, shared by cash-ins and cash-outs. One workflow per
 * `externalReference`: a create never starts a closed lifecycle again, and a closed run is reopened in a new
 * run (`{ kind: 'reopened', view }`) only for a message it must act on: here, and nowhere else.
 */
export class LifecycleWorkflows<V extends LifecycleView, E, N extends NewLifecycle> {
  private readonly startInputs: StartInputs<LifecycleInput<V, N>>;

  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly spec: LifecycleSpec<V, E, N>,
    private readonly budgets: Budgets,
  ) {
    this.startInputs = new StartInputs<LifecycleInput<V, N>>(temporal);
  }

  /**
   * Starts the lifecycle (or attaches to it) and answers once its creation step is done. When that takes longer
   * than the create budget (our own fault parked it, or no worker answers), the last known view if the lifecycle
   * got past its creation step, else 503 with `Retry-After`: the same request again attaches to the same
   * lifecycle.
   */
  async create(input: N): Promise<{ created: boolean; view: MaybeStale<V> }> {
    const { workflowId } = this.startOptions(input);
    const start = new WithStartWorkflowOperation(this.spec.workflow, this.startOptions(input));
    let current: MaybeStale<V>;
    try {
      const answered = await withinBudget(this.temporal, this.budgets.createWaitMs, () =>
        this.temporal.workflow.executeUpdateWithStart(this.spec.createUpdate, { startWorkflowOperation: start }),
      );
      current = answered?.value ?? (await this.pendingCreate(input.externalReference));
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      current = await this.lastView(this.temporal.workflow.getHandle(workflowId));
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

  /**
   * How a create starts the lifecycle's workflow, or attaches to its running run: a closed one is never started
   * again by a create. The Nexus operations that await a lifecycle attach with the same options.
   */
  startOptions(input: N) {
    return {
      workflowId: this.spec.workflowId(input.externalReference),
      taskQueue: this.taskQueue,
      args: [input as LifecycleInput<V, N>] as [LifecycleInput<V, N>],
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
      typedSearchAttributes: paymentSearchAttributes(
        this.spec.kind,
        input.externalReference,
        'CREATING',
        input.amountCentavos,
      ),
      staticSummary: this.summary(input.externalReference, input.amountCentavos),
    };
  }

  /** The create ran out of time: the lifecycle's state if it got past creating, else 503 to ask again. */
  private async pendingCreate(externalReference: string): Promise<MaybeStale<V>> {
    const handle = this.temporal.workflow.getHandle(this.spec.workflowId(externalReference));
    const described = await withinBudget(this.temporal, this.budgets.readWaitMs, () => handle.describe()).catch(
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      },
    );
    if (described) {
      const stale = await this.staleView(described.value, this.startInputOf(described.value));
      if (stale && stale.status !== 'CREATING') return stale;
    }
    throw new Problem(
      503,
      'TEMPORARILY_UNAVAILABLE',
      'Not answered yet',
      `The ${this.spec.noun} ${externalReference} is not created yet; send the same request again to get it`,
      { externalReference, attention: described ? await this.attentionOf(described.value) : null },
      { 'Retry-After': String(CREATE_RETRY_AFTER_SECONDS) },
    );
  }

  /**
   * The last known view, whatever the run's state: the completed run's result, else the workflow's own answer
   * to a query, else (no worker answered in time) the view rebuilt from what Temporal holds, marked stale.
   */
  async get(externalReference: string): Promise<MaybeStale<V>> {
    const handle = this.temporal.workflow.getHandle(this.spec.workflowId(externalReference));
    try {
      return await this.lastView(handle);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw notFound(`No ${this.spec.noun} with externalReference ${externalReference}`);
      }
      throw err;
    }
  }

  private async lastView(handle: WorkflowHandle, description?: WorkflowExecutionDescription): Promise<MaybeStale<V>> {
    const { readWaitMs } = this.budgets;
    const described = description ?? (await withinBudget(this.temporal, readWaitMs, () => handle.describe()))?.value;
    if (!described) throw unavailable(`Temporal did not answer within ${readWaitMs} ms; retry shortly`);
    // Read alongside the worker's answer (once per run, then kept), so that a stale view needs nothing more.
    const input = this.startInputOf(described);
    const answered = await withinBudget(this.temporal, readWaitMs, () =>
      described.status.name === 'COMPLETED' ? (handle.result() as Promise<V>) : handle.query(this.spec.viewQuery),
    ).catch((err: unknown) => {
      // No worker polls the task queue (all down, or not started yet), or the workflow cannot answer (its task fails,
      // say on a non-determinism error, which operators see in the UI): the same as a worker that does not answer.
      if (err instanceof WorkflowNotFoundError) throw err;
      return undefined;
    });
    if (answered) return answered.value;
    const stale = await this.staleView(described, input);
    if (!stale) throw unavailable(`Temporal did not answer within ${readWaitMs} ms; retry shortly`);
    return stale;
  }

  /** The run's start input within the read budget; `undefined` if Temporal did not give it in time. */
  private startInputOf(description: WorkflowExecutionDescription): Promise<LifecycleInput<V, N> | undefined> {
    return withinBudget(this.temporal, this.budgets.readWaitMs, () => this.startInputs.of(description)).then(
      (read) => read?.value,
      () => undefined,
    );
  }

  /** The view rebuilt from the run's start input and search attributes; `undefined` without the input. */
  private async staleView(
    description: WorkflowExecutionDescription,
    startInput: Promise<LifecycleInput<V, N> | undefined>,
  ): Promise<MaybeStale<V> | undefined> {
    const input = await startInput;
    if (input === undefined) return undefined;
    const known = lastKnown(input, description);
    return { ...this.spec.staleView(known), stale: { attentionCode: known.attentionCode } };
  }

  private attentionOf(description: WorkflowExecutionDescription): { code: string } | null {
    const code = description.typedSearchAttributes.get(PaymentAttention);
    return code ? { code } : null;
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
      view = await this.temporal.workflow.getHandle<LifecycleSpec<V, E, N>['workflow']>(workflowId).result();
    } catch (err) {
      // Never existed, or ended without a result (terminated by an operator): kept for operators as unmatched,
      // never reopened from a view that may be stale.
      if (err instanceof WorkflowNotFoundError || err instanceof WorkflowFailedError) return 'unknown';
      throw err;
    }
    if (!this.spec.mustReopenFor(view, event)) return 'known';
    await this.temporal.workflow.signalWithStart(this.spec.workflow, {
      ...this.reopenOptions(view),
      signal: this.spec.eventSignal,
      signalArgs: [event],
    });
    return 'reopened';
  }

  /**
   * Runs `update` on the lifecycle whose last view is `view`: on its running run, or, when that run has closed, on
   * a new run reopened from `view`. One call either way: update-with-start attaches to a running run.
   */
  update<R, A extends unknown[]>(view: V, update: UpdateDefinition<R, A>, args: A): Promise<R> {
    const startWorkflowOperation = new WithStartWorkflowOperation(this.spec.workflow, this.reopenOptions(view));
    return this.temporal.workflow.executeUpdateWithStart(update, { args, startWorkflowOperation });
  }

  private reopenOptions(view: V) {
    return {
      workflowId: this.spec.workflowId(view.externalReference),
      taskQueue: this.taskQueue,
      args: [{ kind: 'reopened', view }] as [LifecycleInput<V, N>],
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
}

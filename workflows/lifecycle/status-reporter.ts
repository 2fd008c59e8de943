import { CancellationScope, patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { lifecycleCallbacks } from '../callbacks/lifecycle-callbacks.js';
import { startCallback } from '../callbacks/start-callback.js';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { PaymentCreditedAt, PaymentDebitedAt, PaymentPspId, PaymentStatus } from '../search-attributes.js';
import type { LifecycleView, MoneyMoved } from './view.js';

/**
 * The patch under which a lifecycle publishes what the reconciliation decides from: ConnectPSP's id
 * (`PaymentPspId`) and when its money moved (`PaymentCreditedAt`, `PaymentDebitedAt`).
 */
export const RECONCILE_ATTRIBUTES_PATCH = 'reconcile-attributes';

export interface StatusReporter {
  /** Tells of the transition just made: the UI's current details, and the service's callback. */
  transitioned(reason: string): void;
  /**
   * Upserts `PaymentStatus` if it changed: once per wait, not per transition, for fewer history events. It also
   * carries `PaymentPspId` and the times money moved when they changed (no extra event or action).
   */
  updateStatusAttribute(): void;
  /** Waits until every callback so far was sent once or handed over (before the run waits or completes). */
  callbacksStarted(): Promise<unknown>;
  /** The run completes: its events are recorded for the events API (runs of 1.0 had nothing to record). */
  callbacksRecorded(): Promise<unknown>;
}

/** Callbacks posted by the lifecycle and recorded in one `callbacks` workflow per run, instead of a child each. */
export const CALLBACKS_PER_LIFECYCLE_PATCH = 'callbacks-per-lifecycle';

/**
 * Who hears of a lifecycle's status changes besides its view: operators (current details, the `PaymentStatus`
 * search attribute) and the service (a callback per transition). `view.status` at creation counts as already
 * upserted: the API starts the workflow with it as a search attribute.
 */
export function statusReporter<S extends string>(
  view: LifecycleView<S>,
  options: {
    kind: 'cash-in' | 'cash-out';
    callbackUrl?: string;
    summary: () => string;
    /** ConnectPSP's id once it accepted the lifecycle. */
    pspId: () => string | undefined;
    moneyMoved: () => MoneyMoved;
  },
): StatusReporter {
  let upsertedStatus: S = view.status;
  // A reopened run starts from its closed run's view: the money that run saw move was published by it.
  const published: { pspId?: string } & MoneyMoved = { ...options.moneyMoved() };
  const callbackStarts: Promise<unknown>[] = [];
  // Asked only of runs with a callbackUrl: a run without one has no marker in its history.
  const callbacks =
    options.callbackUrl !== undefined && patched(CALLBACKS_PER_LIFECYCLE_PATCH)
      ? lifecycleCallbacks(options.callbackUrl, view.externalReference)
      : undefined;
  return {
    transitioned(reason) {
      setCurrentDetails(options.summary());
      if (!options.callbackUrl) return;
      const url = options.callbackUrl;
      const status = view.status;
      const event = {
        type: `${options.kind}.${status.toLowerCase()}`,
        sequence: view.timeline.length,
        data: { externalReference: view.externalReference, status, reason, amountCentavos: view.amountCentavos },
      };
      if (callbacks) return callbacks.add(event);
      // Not cancellable: a transition made by a handler after a cancellation request still tells the service.
      callbackStarts.push(CancellationScope.nonCancellable(() => startCallback(url, event)));
    },
    updateStatusAttribute() {
      if (upsertedStatus === view.status) return;
      upsertedStatus = view.status;
      const next = { pspId: options.pspId(), ...options.moneyMoved() };
      const changed: SearchAttributeUpdatePair[] = [];
      if (next.pspId !== undefined && next.pspId !== published.pspId) {
        changed.push({ key: PaymentPspId, value: next.pspId });
      }
      for (const [field, key] of [
        ['creditedAt', PaymentCreditedAt],
        ['debitedAt', PaymentDebitedAt],
      ] as const) {
        const at = next[field];
        if (at !== undefined && at !== published[field]) changed.push({ key, value: new Date(at) });
      }
      // Runs recorded before these attributes existed upserted the status alone; they replay that way.
      if (changed.length > 0 && patched(RECONCILE_ATTRIBUTES_PATCH)) {
        Object.assign(published, next);
        upsertSearchAttributes([{ key: PaymentStatus, value: view.status }, ...changed]);
        return;
      }
      upsertSearchAttributes([{ key: PaymentStatus, value: view.status }]);
    },
    callbacksStarted: () => (callbacks ? callbacks.sent() : Promise.all(callbackStarts)),
    callbacksRecorded: async () => callbacks?.closed(),
  };
}

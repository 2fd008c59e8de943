import { CancellationScope, patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { lifecycleCallbacks } from '../callbacks/lifecycle-callbacks.js';
import { startCallback } from '../callbacks/start-callback.js';
import { PaymentPspId, PaymentStatus } from '../search-attributes.js';
import type { LifecycleView } from './view.js';

/** The patch under which a lifecycle publishes ConnectPSP's id in `PaymentPspId`. */
export const PUBLISH_PSP_ID_PATCH = 'publish-psp-id';

export interface StatusReporter {
  /** Tells of the transition just made: the UI's current details, and the service's callback. */
  transitioned(reason: string): void;
  /**
   * Upserts `PaymentStatus` if it changed: once per wait, not per transition, for fewer history events. The first
   * such upsert after ConnectPSP accepted the lifecycle also carries `PaymentPspId` (no extra event or action).
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
  },
): StatusReporter {
  let upsertedStatus: S = view.status;
  let upsertedPspId: string | undefined = undefined;
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
      const pspId = options.pspId();
      // Runs recorded before this attribute existed upserted the status alone; they replay that way.
      if (pspId !== undefined && pspId !== upsertedPspId && patched(PUBLISH_PSP_ID_PATCH)) {
        upsertedPspId = pspId;
        upsertSearchAttributes([
          { key: PaymentStatus, value: view.status },
          { key: PaymentPspId, value: pspId },
        ]);
        return;
      }
      upsertSearchAttributes([{ key: PaymentStatus, value: view.status }]);
    },
    callbacksStarted: () => (callbacks ? callbacks.sent() : Promise.all(callbackStarts)),
    callbacksRecorded: async () => callbacks?.closed(),
  };
}

import { CancellationScope, patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
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
  /** Waits until every callback child workflow has started (before the run completes). */
  callbacksStarted(): Promise<unknown>;
}

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
  return {
    transitioned(reason) {
      setCurrentDetails(options.summary());
      if (!options.callbackUrl) return;
      const url = options.callbackUrl;
      const status = view.status;
      // Not cancellable: a transition made by a handler after a cancellation request still tells the service.
      callbackStarts.push(
        CancellationScope.nonCancellable(() =>
          startCallback(url, {
            type: `${options.kind}.${status.toLowerCase()}`,
            sequence: view.timeline.length,
            data: { externalReference: view.externalReference, status, reason, amountCentavos: view.amountCentavos },
          }),
        ),
      );
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
    callbacksStarted: () => Promise.all(callbackStarts),
  };
}

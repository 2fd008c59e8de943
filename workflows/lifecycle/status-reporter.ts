import { CancellationScope, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { startCallback } from '../callbacks/start-callback.js';
import { PaymentStatus } from '../search-attributes.js';
import type { LifecycleView } from './view.js';

export interface StatusReporter {
  /** Tells of the transition just made: the UI's current details, and the service's callback. */
  transitioned(reason: string): void;
  /** Upserts `PaymentStatus` if it changed: once per wait, not per transition, for fewer history events. */
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
  options: { kind: 'cash-in' | 'cash-out'; callbackUrl?: string; summary: () => string },
): StatusReporter {
  let upsertedStatus: S = view.status;
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
      upsertSearchAttributes([{ key: PaymentStatus, value: view.status }]);
    },
    callbacksStarted: () => Promise.all(callbackStarts),
  };
}

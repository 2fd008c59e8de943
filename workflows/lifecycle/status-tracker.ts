import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { startCallback } from '../callbacks/start-callback.js';
import { shielded } from './cancellation.js';
import { PaymentStatus } from '../search-attributes.js';

/** What every payment lifecycle's view has in common. */
export interface TrackedView<S extends string> {
  externalReference: string;
  status: S;
  amountCentavos: number;
  timeline: { status: S; at: string; reason: string }[];
}

export interface StatusTracker<S extends string> {
  /** Records a transition: timeline, the UI's current details, and the service's callback. */
  transition(status: S, reason: string): void;
  /** Search attributes change once per await point, not per transition: fewer history events. */
  publish(): void;
  /** Waits until every callback child workflow has started (before the run completes). */
  callbacksStarted(): Promise<unknown>;
}

/**
 * The bookkeeping every lifecycle does on a status change, shared by cash-ins and cash-outs. `view.status`
 * at creation counts as already published (the API starts the workflow with it as a search attribute).
 */
export function trackStatus<S extends string>(
  view: TrackedView<S>,
  options: { kind: 'cash-in' | 'cash-out'; callbackUrl?: string; describe: (view: TrackedView<S>) => string },
): StatusTracker<S> {
  let publishedStatus: S = view.status;
  const callbackStarts: Promise<unknown>[] = [];
  return {
    transition(status, reason) {
      view.status = status;
      view.timeline.push({ status, at: new Date(Date.now()).toISOString(), reason });
      setCurrentDetails(options.describe(view));
      if (options.callbackUrl) {
        // Shielded: a transition made by a handler after a cancellation request still tells the service.
        const url = options.callbackUrl;
        callbackStarts.push(
          shielded(() =>
            startCallback(url, {
              type: `${options.kind}.${status.toLowerCase()}`,
              sequence: view.timeline.length,
              data: { externalReference: view.externalReference, status, reason, amountCentavos: view.amountCentavos },
            }),
          ),
        );
      }
    },
    publish() {
      if (publishedStatus === view.status) return;
      publishedStatus = view.status;
      upsertSearchAttributes([{ key: PaymentStatus, value: view.status }]);
    },
    callbacksStarted: () => Promise.all(callbackStarts),
  };
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { Agent, fetch, type Dispatcher } from 'undici';
import type { CallbackEvent } from '../workflows/callbacks/types.js';
import { callbackUrlRefusal, publicOnlyLookup, type CallbackDestinationPolicy } from './callback-destination.js';

export interface CallbackDeps {
  /** Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** Per-attempt timeout of the POST. */
  timeoutMs?: number;
  /** Where callbacks may go. @default https only, public addresses only */
  destination?: CallbackDestinationPolicy;
}

export type CallbackActivities = ReturnType<typeof createCallbackActivities>;

/**
 * Posts lifecycle events to services in the Standard Webhooks format (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). The id is the event's, the same on every attempt, so receivers can deduplicate.
 */
export function createCallbackActivities({
  secret,
  timeoutMs = 10_000,
  destination = { requireHttps: true, allowPrivateNetworks: false },
}: CallbackDeps) {
  const signer = new Webhook(secret);
  // The connection re-checks every address it dials: DNS may have changed since the API accepted the URL.
  const dispatcher: Dispatcher | undefined = destination.allowPrivateNetworks
    ? undefined
    : new Agent({ connect: { lookup: publicOnlyLookup } });
  return {
    async deliverCallback({ url, event }: { url: string; event: CallbackEvent }): Promise<void> {
      const refusal = await callbackUrlRefusal(url, destination);
      if (refusal !== undefined) {
        throw ApplicationFailure.nonRetryable(`callbackUrl ${refusal}`, 'CALLBACK_DESTINATION_REFUSED');
      }
      const body = JSON.stringify(event);
      const sentAt = new Date();
      const signal = AbortSignal.any([Context.current().cancellationSignal, AbortSignal.timeout(timeoutMs)]);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signer.sign(event.id, sentAt, body),
        },
        body,
        signal,
        redirect: 'manual',
        dispatcher,
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return;
      // Every other answer is retried by the activity's policy: receivers are often briefly down or deploying.
      throw ApplicationFailure.retryable(`callback answered ${response.status}`, 'CALLBACK_REJECTED');
    },
  };
}

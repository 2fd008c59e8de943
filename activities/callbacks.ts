import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { Agent, fetch, type Dispatcher } from 'undici';
import {
  DEFAULT_RETRY_SCHEDULE,
  type CallbackEvent,
  type DeliveryAttempt,
  type DeliveryOutcome,
  type RetrySchedule,
} from '../workflows/callbacks/types.js';
import { callbackUrlRefusal, publicOnlyLookup, type CallbackDestinationPolicy } from './callback-destination.js';

export interface CallbackDeps {
  /** Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** Per-attempt timeout of the POST. */
  timeoutMs?: number;
  /** Where callbacks may go. @default https only, public addresses only */
  destination?: CallbackDestinationPolicy;
  /** How an undelivered event is retried. @default 5 s, doubling up to 30 min, for 26 hours */
  retry?: RetrySchedule;
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
  retry = DEFAULT_RETRY_SCHEDULE,
}: CallbackDeps) {
  const signer = new Webhook(secret);
  // The connection re-checks every address it dials: DNS may have changed since the API accepted the URL.
  const dispatcher: Dispatcher | undefined = destination.allowPrivateNetworks
    ? undefined
    : new Agent({ connect: { lookup: publicOnlyLookup } });

  /** One POST; the receiver's answer or the error, never a throw. */
  async function post(url: string, event: CallbackEvent): Promise<{ attempt: DeliveryAttempt; permanent: boolean }> {
    const sentAt = new Date();
    const refusal = await callbackUrlRefusal(url, destination);
    if (refusal !== undefined) {
      return { attempt: { at: sentAt.toISOString(), durationMs: 0, error: `callbackUrl ${refusal}` }, permanent: true };
    }
    const body = JSON.stringify(event);
    const signal = AbortSignal.any([Context.current().cancellationSignal, AbortSignal.timeout(timeoutMs)]);
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
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
      return {
        attempt: { at: sentAt.toISOString(), durationMs: took(), httpStatus: response.status },
        permanent: false,
      };
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const error = String(cause?.code ?? cause?.message ?? (err as Error).name ?? 'request failed');
      return { attempt: { at: sentAt.toISOString(), durationMs: took(), error }, permanent: false };
    }
  }

  return {
    /** Released 1.0 delivery (one event per workflow, retried by the activity's policy): kept for its open runs. */
    async deliverCallback({ url, event }: { url: string; event: CallbackEvent }): Promise<void> {
      const { attempt, permanent } = await post(url, event);
      if (permanent) throw ApplicationFailure.nonRetryable(attempt.error, 'CALLBACK_DESTINATION_REFUSED');
      if (attempt.httpStatus !== undefined && attempt.httpStatus >= 200 && attempt.httpStatus < 300) return;
      // Every other answer is retried by the activity's policy: receivers are often briefly down or deploying.
      throw ApplicationFailure.retryable(
        attempt.httpStatus === undefined
          ? `callback failed: ${attempt.error}`
          : `callback answered ${attempt.httpStatus}`,
        'CALLBACK_REJECTED',
      );
    },

    /**
     * Posts events in order, once each, and stops at the first one not delivered (a later event never overtakes
     * an earlier one). Every attempt is returned, for the workflow to record; retries are the workflow's.
     */
    async deliverEvents({ url, events }: { url: string; events: CallbackEvent[] }): Promise<DeliveryOutcome> {
      const attempts: DeliveryOutcome['attempts'] = [];
      for (const event of events) {
        const { attempt, permanent } = await post(url, event);
        const delivered = attempt.httpStatus !== undefined && attempt.httpStatus >= 200 && attempt.httpStatus < 300;
        attempts.push({ eventId: event.id, attempt, delivered, permanent });
        if (!delivered) break;
      }
      return { attempts, retry };
    },
  };
}

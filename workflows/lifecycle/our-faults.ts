import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineSignal,
  log,
  metricMeter,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { OUR_FAULT_TYPES } from '../../activities/retry-policies.js';
import { PaymentAttention } from '../search-attributes.js';
import { now, type Attention } from './view.js';

/** Cuts the current wait of a held-up call short (operators send it from the Temporal UI once the cause is fixed). */
export const retryNowSignal = defineSignal('retryNow');

interface CallOptions {
  /** What the call does, for the timeline and the log: `create the payout`. */
  what: string;
  /** A read by id cannot be refused for business reasons: every failure of it is ours. */
  readOnly?: boolean;
  /** Stops retrying (resolving `undefined`) once the answer no longer matters, e.g. a webhook said it all. */
  stopWhen?: () => boolean;
}

export interface OurFaultRetries {
  /**
   * Makes `call` until it succeeds, as long as it fails for our own fault: the failure is shown as attention and
   * the same call (same idempotency key) is made again with capped backoff. A business refusal (and anything
   * not an activity failure) is thrown to the caller. On the happy path this adds no command to the history.
   */
  call<T>(call: () => Promise<T>, options: CallOptions & { stopWhen?: undefined }): Promise<T>;
  call<T>(call: () => Promise<T>, options: CallOptions): Promise<T | undefined>;
}

const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 5 * 60_000;

/**
 * The one place a lifecycle waits out our own faults (wrong credentials or signing key, a contract-breaking
 * answer, a 404 for a transaction ConnectPSP gave us, an activity that timed out) instead of failing. Per episode
 * it writes one timeline line when it starts and one when it clears, one warning log, one count of
 * `temporal_pix_lifecycle_attention_total{kind,code}`, and the `PaymentAttention` search attribute operators
 * filter on. Must be created before the workflow's first await (it registers the `retryNow` signal).
 */
export function retryOurFaults(
  holder: { attention?: Attention },
  options: { kind: string; note?: (reason: string) => void },
): OurFaultRetries {
  let retryRequested = false;
  setHandler(retryNowSignal, () => {
    retryRequested = true;
  });

  const raise = (fault: { code: string; detail: string }, what: string) => {
    const current = holder.attention;
    if (current?.code === fault.code) return;
    holder.attention = { code: fault.code, since: current?.since ?? now(), detail: fault.detail };
    upsertSearchAttributes([{ key: PaymentAttention, value: fault.code }]);
    if (current) return;
    options.note?.(`needs attention: could not ${what} (${fault.code}); retrying`);
    log.warn('lifecycle needs attention', { kind: options.kind, code: fault.code, what, detail: fault.detail });
    metricMeter
      .createCounter(
        'pix_lifecycle_attention_total',
        'episodes',
        'Lifecycles held up by our own fault, by kind and code',
      )
      .add(1, { kind: options.kind, code: metricLabel(fault.code) });
  };

  const clear = (what: string) => {
    const cleared = holder.attention;
    if (!cleared) return;
    holder.attention = undefined;
    upsertSearchAttributes([{ key: PaymentAttention, value: null }]);
    options.note?.(`attention cleared: ${what} went through after ${cleared.code}`);
    log.info('lifecycle recovered', { kind: options.kind, code: cleared.code, what, since: cleared.since });
  };

  async function call<T>(make: () => Promise<T>, { what, readOnly = false, stopWhen }: CallOptions) {
    for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
      try {
        const result = await make();
        clear(what);
        return result;
      } catch (err) {
        const fault = ourFault(err, readOnly);
        if (fault === undefined) throw err;
        raise(fault, what);
      }
      retryRequested = false;
      await condition(() => retryRequested || stopWhen?.() === true, wait);
      if (stopWhen?.()) {
        clear(what);
        return undefined;
      }
    }
  }
  return { call: call as OurFaultRetries['call'] };
}

/** Our fault, or `undefined` for a business refusal (and for what is no activity failure, e.g. cancellation). */
function ourFault(err: unknown, readOnly: boolean): { code: string; detail: string } | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const code = cause.type ?? 'UNKNOWN';
    // A retryable type here means its retries ran out: nothing was refused.
    const ours = readOnly || !cause.nonRetryable || (OUR_FAULT_TYPES as readonly string[]).includes(code);
    return ours ? { code, detail: cause.message } : undefined;
  }
  const code = cause instanceof TimeoutFailure ? 'ACTIVITY_TIMEOUT' : 'ACTIVITY_FAILED';
  return { code, detail: cause?.message ?? err.message };
}

/** Failure types are enum-like; anything else is counted under one label so Prometheus stays bounded. */
function metricLabel(code: string): string {
  return /^[A-Z][A-Z0-9_]{0,47}$/.test(code) ? code : 'OTHER';
}

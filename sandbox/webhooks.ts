import { randomUUID } from 'node:crypto';
import { ConnectPspHeader } from '../connectpsp/schemas/index.js';
import type { WebhookEventType } from '../connectpsp/schemas/index.js';
import { webhookSignature } from '../connectpsp/signing.js';
import type { FaultInjector } from './faults.js';
import type { StateJournal } from './journal.js';
import type { SandboxClock } from './clock.js';
import type { Delivery, DeliveryFault, PendingDelivery } from './records.js';
import { utcTimestamp } from './timestamps.js';

export type DeliveryOutcome = 'DELIVERED' | 'FAILED' | 'TIMEOUT' | 'ERROR' | 'DROPPED';

/** One line of `GET /_sandbox/webhooks`: an attempt, or a decision not to attempt. */
export interface DeliveryLogEntry {
  /** Same for all attempts of one delivery; a duplicated event has two deliveries. */
  deliveryId: string;
  /** The `X-Event-Id` of this attempt (new per attempt), or null when nothing was sent. */
  eventId: string | null;
  eventType: WebhookEventType;
  transactionId: string;
  url: string;
  attempt: number;
  outcome: DeliveryOutcome;
  /** HTTP status the receiver answered, or null. */
  status: number | null;
  startedAt: string;
  durationMs: number;
  /** Why it failed, without the response body. */
  error?: string;
  /** Fault that shaped this delivery, if any. */
  fault?: DeliveryFault;
  /** Milliseconds until the next attempt, or null when this was the last. */
  nextAttemptInMs?: number | null;
}

export interface WebhookDispatcherOptions {
  attempts: number;
  backoffBaseMs: number;
  timeoutMs: number;
}

const LOG_LIMIT = 10_000;

/**
 * Sends webhooks the way ConnectPSP documents them: POST of the `{eventType, eventAt, data}` envelope, signed over
 * the exact bytes sent, a fresh `X-Event-Id` per attempt, success only on 2xx within the timeout, and retries with
 * exponential backoff. The body stays byte-identical across attempts, so its signature does too.
 */
export class WebhookDispatcher {
  private readonly log: DeliveryLogEntry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new AbortController();
  /** Events held back by the reorder fault, per URL, released after the next event to that URL. */
  private readonly held = new Map<string, Array<() => void>>();

  constructor(
    private readonly options: WebhookDispatcherOptions,
    private readonly clock: SandboxClock,
    private readonly faults: FaultInjector,
    private readonly journal?: StateJournal,
  ) {}

  dispatch(url: string, cryptoToken: string, eventType: WebhookEventType, data: { transactionId: string }): void {
    const body = JSON.stringify({ eventType, eventAt: utcTimestamp(this.clock.now()), data });
    const base = {
      url,
      body,
      signature: webhookSignature(body, cryptoToken),
      eventType,
      transactionId: data.transactionId,
    };
    const faults = this.faults.forWebhook();
    if (faults.drop) {
      this.record({ ...base, deliveryId: randomUUID() }, 0, null, 'DROPPED', 0, Date.now());
      this.releaseHeld(url);
      return;
    }
    const deliveries: Delivery[] = [{ ...base, deliveryId: randomUUID() }];
    if (faults.duplicate) deliveries.push({ ...base, deliveryId: randomUUID(), fault: 'duplicate' });
    const start = (): void => {
      for (const delivery of deliveries) this.later(faults.delayMs, () => void this.attempt(delivery, 1));
    };
    const dueAtMs = Date.now() + faults.delayMs;
    for (const delivery of deliveries) {
      if (faults.delayMs > 0) delivery.fault ??= 'delay';
      if (faults.reorder) delivery.fault = 'reorder';
      // Journalled at once: a delivery held back or delayed by a fault is still owed after a restart.
      this.journal?.append({ t: 'webhook', pending: { delivery, attempt: 1, dueAtMs } });
    }
    if (faults.reorder) {
      this.hold(url, start, faults.reorderMaxHoldMs);
      return;
    }
    start();
    this.releaseHeld(url);
  }

  /** Takes up deliveries a previous run of the sandbox still owed; an overdue one is attempted at once. */
  resume(pending: Iterable<PendingDelivery>): void {
    for (const { delivery, attempt, dueAtMs } of pending) {
      this.later(Math.max(0, dueAtMs - Date.now()), () => void this.attempt(delivery, attempt));
    }
  }

  entries(): readonly DeliveryLogEntry[] {
    return this.log;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.held.clear();
    this.inFlight.abort();
  }

  private hold(url: string, start: () => void, maxHoldMs: number): void {
    let started = false;
    const once = (): void => {
      if (started) return;
      started = true;
      start();
    };
    const queue = this.held.get(url) ?? [];
    queue.push(once);
    this.held.set(url, queue);
    this.later(maxHoldMs, once);
  }

  private releaseHeld(url: string): void {
    const queue = this.held.get(url);
    if (queue === undefined) return;
    this.held.delete(url);
    // Released just after the event that overtook them has been started.
    this.later(0, () => queue.forEach((start) => start()));
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery, attempt: number): Promise<void> {
    // The event tells of a change: it leaves only once the change is on disk, so no restart can take it back.
    const journal = this.journal;
    if (journal !== undefined) await new Promise<void>((resolve) => journal.afterWritten(resolve));
    if (this.inFlight.signal.aborted) return;
    const eventId = randomUUID();
    const startedMs = Date.now();
    let outcome: DeliveryOutcome;
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [ConnectPspHeader.WEBHOOK_SIGNATURE]: delivery.signature,
          [ConnectPspHeader.EVENT_ID]: eventId,
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.inFlight.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      status = response.status;
      await response.body?.cancel();
      outcome = status >= 200 && status < 300 ? 'DELIVERED' : 'FAILED';
      if (outcome === 'FAILED') error = `receiver answered HTTP ${status}`;
    } catch (cause) {
      if (this.inFlight.signal.aborted) return;
      // Checked by name: the abort reason is a DOMException, which may come from another realm than `Error`.
      const timedOut = (cause as { name?: unknown } | null)?.name === 'TimeoutError';
      outcome = timedOut ? 'TIMEOUT' : 'ERROR';
      error = timedOut ? `no response within ${this.options.timeoutMs} ms` : describe(cause);
    }
    const retry = outcome !== 'DELIVERED' && attempt < this.options.attempts;
    const nextAttemptInMs = retry ? this.options.backoffBaseMs * 2 ** (attempt - 1) : null;
    this.record(delivery, attempt, eventId, outcome, Date.now() - startedMs, startedMs, status, error, nextAttemptInMs);
    if (nextAttemptInMs === null) {
      this.journal?.append({ t: 'webhookDone', deliveryId: delivery.deliveryId });
      return;
    }
    const dueAtMs = Date.now() + nextAttemptInMs;
    this.journal?.append({ t: 'webhook', pending: { delivery, attempt: attempt + 1, dueAtMs } });
    this.later(nextAttemptInMs, () => void this.attempt(delivery, attempt + 1));
  }

  private record(
    delivery: Delivery,
    attempt: number,
    eventId: string | null,
    outcome: DeliveryOutcome,
    durationMs: number,
    startedMs: number,
    status: number | null = null,
    error?: string,
    nextAttemptInMs?: number | null,
  ): void {
    if (this.log.length >= LOG_LIMIT) this.log.shift();
    this.log.push({
      deliveryId: delivery.deliveryId,
      eventId,
      eventType: delivery.eventType,
      transactionId: delivery.transactionId,
      url: delivery.url,
      attempt,
      outcome,
      status,
      startedAt: new Date(startedMs).toISOString(),
      durationMs,
      ...(error === undefined ? {} : { error }),
      ...(delivery.fault === undefined ? {} : { fault: delivery.fault }),
      ...(nextAttemptInMs === undefined ? {} : { nextAttemptInMs }),
    });
  }
}

function describe(cause: unknown): string {
  const error = cause as { message?: unknown; cause?: { code?: unknown } } | null;
  const message = typeof error?.message === 'string' ? error.message : 'request failed';
  const code = error?.cause?.code;
  return typeof code === 'string' ? `${message} (${code})` : message;
}

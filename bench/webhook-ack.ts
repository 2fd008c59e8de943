import type { CashInView } from '../workflows/cash-in/types.js';
import { cashInWorkflowId } from '../workflows/cash-in/messages.js';
import { paidEvent, postWebhook, rawSignal, signedPaidWebhook } from './cash-in-drivers.js';
import { alternate, fixedRate, round, summarize } from './measure.js';
import type { BenchStack } from './stack.js';

const WARMUP = 20;

/** Parked cash-ins {@link webhookAck} uses with these options. */
export const webhookAckNeeds = (options: WebhookAckOptions) =>
  3 * (options.rounds * options.perRound + Math.min(WARMUP, options.perRound));

export interface WebhookAckOptions {
  perSecond: number;
  perRound: number;
  rounds: number;
}

/**
 * Acknowledgement of a CASHIN_PAID webhook for a parked cash-in, at a fixed rate, each call timed from its intended
 * send time (coordinated omission counted): `POST /webhooks/connectpsp` (signature check, parse, describe, signal)
 * against `handle.signal()` straight from the client. A third figure sends the receiver's two Temporal calls
 * (`describe()` then `signal()`) from the client, to split the gap: the extra call versus HTTP and parsing.
 * Needs `3 × (rounds × perRound + 20)` parked cash-ins.
 */
export async function webhookAck(stack: BenchStack, parked: CashInView[], options: WebhookAckOptions) {
  const warmup = Math.min(WARMUP, options.perRound);
  const needed = webhookAckNeeds(options);
  if (parked.length < needed) throw new Error(`webhook ack needs ${needed} parked cash-ins, got ${parked.length}`);
  let next = 0;
  const take = () => parked.slice(next, (next += options.perRound));
  const api = async () => {
    const batch = take().map(signedPaidWebhook);
    return fixedRate(batch.length, options.perSecond, (i) => postWebhook(stack, batch[i]!));
  };
  const raw = async () => {
    const batch = take();
    return fixedRate(batch.length, options.perSecond, (i) =>
      rawSignal(stack.client, batch[i]!.externalReference, paidEvent(batch[i]!)),
    );
  };
  const describeThenSignal = async (view: CashInView) => {
    await stack.client.workflow.getHandle(cashInWorkflowId(view.externalReference)).describe();
    await rawSignal(stack.client, view.externalReference, paidEvent(view));
  };
  const twoCalls = async () => {
    const batch = take();
    return fixedRate(batch.length, options.perSecond, (i) => describeThenSignal(batch[i]!));
  };
  // Warm every path on its own cash-ins; these calls do not count.
  for (const view of parked.slice(0, warmup)) await postWebhook(stack, signedPaidWebhook(view));
  for (const view of parked.slice(warmup, 2 * warmup))
    await rawSignal(stack.client, view.externalReference, paidEvent(view));
  for (const view of parked.slice(2 * warmup, 3 * warmup)) await describeThenSignal(view);
  next = 3 * warmup;
  const c: number[][] = [];
  const { a, b } = await alternate(options.rounds, api, async () => {
    c.push(await twoCalls());
    return raw();
  });
  const apiSummary = summarize(a.flat());
  const rawSummary = summarize(b.flat());
  return {
    perSecond: options.perSecond,
    api: apiSummary,
    raw: rawSummary,
    rawDescribeThenSignal: summarize(c.flat()),
    ratioP50: round(apiSummary.p50Ms / rawSummary.p50Ms, 3),
    ratioP99: round(apiSummary.p99Ms / rawSummary.p99Ms, 3),
    /** p50 of each round in order: growing from round to round means the rate is above what the stack sustains. */
    roundsP50Ms: {
      api: a.map((r) => summarize(r).p50Ms),
      raw: b.map((r) => summarize(r).p50Ms),
      rawDescribeThenSignal: c.map((r) => summarize(r).p50Ms),
    },
    target: { ratioP99: 1.2, apiP99Ms: 50 },
  };
}

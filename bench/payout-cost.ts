import { setTimeout as sleep } from 'node:timers/promises';
import { cashOutWorkflowId } from '../workflows/cash-out/messages.js';
import { newExternalReference, postCreate } from './cash-in-drivers.js';
import { BENCH_REFUND_WINDOW_MINUTES, type BenchStack } from './stack.js';
import { historyCost, HISTORY_SIZE_TARGETS } from './temporal-cost.js';

/**
 * The history of completed payouts, through the API and the sandbox: `POST /v1/cash-outs`, the sandbox completes
 * the payout at once and posts CASHOUT_COMPLETED a second later, the API signals. A completed payout's run then stays open for its
 * return window (`CASH_OUT_REFUND_WINDOW_MINUTES`, 1 minute in the bench: the least the configuration allows),
 * asks ConnectPSP once more and completes. So the sample is read twice: once COMPLETED with its run still open,
 * and once its run completed. {@link startPayoutSample} creates them; the bench runs other figures meanwhile and
 * reads them closed at the end with {@link PayoutSample.closed}.
 */

const AMOUNT = '150.50';
const PAYEE = {
  name: 'Bench Payee',
  document: '52998224725',
  destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'payee@example.com' },
};
const COMPLETED_WITHIN_MS = 30_000;
/**
 * How long the sandbox holds each CASHOUT_COMPLETED. Sent at once, it races the create's answer: when it wins, the
 * workflow task that records the create also takes the webhook, and the history is 6 events shorter than a payout
 * confirmed after its create (what a PIX payout, seconds long, does). Held, every sample has the common shape.
 */
const WEBHOOK_DELAY_MS = 1000;
/** How long past its return window a payout's run may take to complete before the bench gives up on it. */
const CLOSE_GRACE_MS = 60_000;
/** The least time the completed runs get to answer `result()`. */
const RESULT_WAIT_MS = 30_000;

export interface PayoutSample {
  /** The payouts' cost once each is COMPLETED, its run still open for the return window. */
  open: ReturnType<typeof summary>;
  /** Waits for every run to complete (its return window over), then reads each history again. */
  closed(): Promise<ReturnType<typeof summary>>;
}

export async function startPayoutSample(stack: BenchStack, count: number): Promise<PayoutSample> {
  const refs: string[] = [];
  await delayApiWebhooks(stack, true);
  try {
    for (let i = 0; i < count; i += 1) {
      const ref = newExternalReference('payout');
      await apiCreateCashOut(stack, ref);
      await untilCompleted(stack, ref);
      refs.push(ref);
    }
  } finally {
    await delayApiWebhooks(stack, false);
  }
  const handles = refs.map((ref) => stack.client.workflow.getHandle(cashOutWorkflowId(ref)));
  const open = summary(await Promise.all(handles.map((handle) => historyCost(handle))));
  const closeBy = Date.now() + BENCH_REFUND_WINDOW_MINUTES * 60_000 + CLOSE_GRACE_MS;
  return {
    open,
    async closed() {
      // Asked after the other figures, often past `closeBy`: the runs then get a moment to answer, not none.
      const timeout = AbortSignal.timeout(Math.max(RESULT_WAIT_MS, closeBy - Date.now()));
      const gaveUp = new Promise<never>((_, reject) =>
        timeout.addEventListener('abort', () => reject(new Error('a payout run did not complete after its window'))),
      );
      await Promise.race([Promise.all(handles.map((handle) => handle.result())), gaveUp]);
      return summary(await Promise.all(handles.map((handle) => historyCost(handle))));
    },
  };
}

/** Makes the API path's sandbox hold every webhook's first attempt {@link WEBHOOK_DELAY_MS}, or stop holding them. */
async function delayApiWebhooks(stack: BenchStack, delay: boolean): Promise<void> {
  const res = await fetch(`${stack.sandboxUrl}/_sandbox/faults`, {
    method: delay ? 'PUT' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: delay ? JSON.stringify({ webhooks: { delayRate: 1, delayMs: WEBHOOK_DELAY_MS } }) : undefined,
  });
  if (!res.ok) throw new Error(`sandbox faults answered ${res.status}: ${await res.text()}`);
}

/** `POST /v1/cash-outs` as a service sends it (see {@link postCreate}); 202 PROCESSING. */
async function apiCreateCashOut(stack: BenchStack, externalReference: string): Promise<void> {
  await postCreate(
    stack,
    '/v1/cash-outs',
    { externalReference, amount: AMOUNT, description: 'bench payout', payee: PAYEE },
    202,
  );
}

/**
 * Polls `GET /v1/cash-outs/{ref}` until the payout is COMPLETED. The view comes from a query, which the worker
 * answers after the workflow task that processed the webhook's signal: its events are in the history by then.
 */
async function untilCompleted(stack: BenchStack, externalReference: string): Promise<void> {
  const deadline = Date.now() + COMPLETED_WITHIN_MS;
  let status = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${stack.apiUrl}/v1/cash-outs/${encodeURIComponent(externalReference)}`, {
      headers: { authorization: `Bearer ${stack.apiKey}` },
    });
    ({ status } = (await res.json()) as { status: string });
    if (status === 'COMPLETED') return;
    await sleep(100);
  }
  throw new Error(`cash-out ${externalReference} was ${status}, not COMPLETED, after ${COMPLETED_WITHIN_MS} ms`);
}

function summary(costs: Awaited<ReturnType<typeof historyCost>>[]) {
  // The largest of the sample: a target is met when every payout meets it.
  const largest = (pick: (cost: (typeof costs)[number]) => number) => Math.max(...costs.map(pick));
  return {
    samples: costs.length,
    /** Each run's status when read: RUNNING (in its return window) or COMPLETED. */
    runStatuses: [...new Set(costs.map((c) => c.runStatus))],
    refundWindowMinutes: BENCH_REFUND_WINDOW_MINUTES,
    historySizeBytes: largest((c) => c.historySizeBytes),
    historySizeBytesBySample: costs.map((c) => c.historySizeBytes),
    historyEvents: largest((c) => c.historyEvents),
    historyEventsBySample: costs.map((c) => c.historyEvents),
    billableActions: largest((c) => c.billableActions),
    stateTransitions: largest((c) => c.stateTransitions),
    eventsByType: costs[0]?.eventsByType ?? {},
    actionsByEvent: costs[0]?.actionsByEvent ?? {},
    targets: { historySizeBytes: HISTORY_SIZE_TARGETS.completedPayoutBytes },
  };
}

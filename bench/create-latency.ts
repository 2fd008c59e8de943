import { randomUUID } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../config/env.js';
import { ConnectPspClient } from '../connectpsp/client.js';
import { centavosToBrl } from '../connectpsp/money.js';
import { cashInWorkflowId } from '../workflows/cash-in/messages.js';
import { cashIn } from '../workflows/cash-in/workflow.js';
import { PaymentAmountCentavos, PaymentKind, PaymentReference, PaymentStatus } from '../workflows/search-attributes.js';
import { AMOUNT_CENTAVOS, apiCreate, newExternalReference, rawCreate, rawInput } from './cash-in-drivers.js';
import { createStages, wallClockMs, type TimedCreate } from './create-stages.js';
import { alternate, closedLoop, round, summarize, untilQuiet } from './measure.js';
import type { BenchStack } from './stack.js';

/** No worker polls it: the floor's workflows only need to be started. */
const UNPOLLED_TASK_QUEUE = 'bench-create-floor';
/** Longer than any bench run: a floor workflow never times out (a history write and a task) during a later round. */
const FLOOR_WORKFLOW_TIMEOUT = '6 hours';
/** Creates per path whose histories give the per-stage breakdown. */
const STAGE_SAMPLES = 50;

export interface CreateLatencyOptions {
  perRound: number;
  rounds: number;
  /** Requests in flight at once. @default 1 */
  concurrency?: number;
}

/**
 * `POST /v1/cash-ins` (update-with-start, the worker's create activity against the sandbox, the answer) against
 * its floor: a raw workflow start plus a direct `POST /cash-in` to the same sandbox through our ConnectPSP client.
 * A third figure, the same update-with-start sent raw to the baseline worker, splits the gap in two: what the
 * workflow's round trips cost (raw update-with-start − floor) and what the API adds (API − raw update-with-start).
 *
 * Measured as a service sees a create: the payer pays seconds later, not during the create. The API path's sandbox
 * pays every cash-in at once (for the lifecycle figure), so its webhooks are dropped while this figure runs: else
 * the payment's signal lands in the create's second workflow task and every create also measures the payment.
 * Each round starts on a quiet stack (see {@link untilQuiet}).
 */
export async function createLatency(stack: BenchStack, options: CreateLatencyOptions) {
  const psp = new ConnectPspClient({ baseUrl: stack.sandboxUrl, credentials: { ...SANDBOX_CREDENTIALS } });
  const concurrency = options.concurrency ?? 1;
  const timed = async (list: TimedCreate[], externalReference: string, create: () => Promise<unknown>) => {
    const sentAtMs = wallClockMs();
    await create();
    list.push({ workflowId: cashInWorkflowId(externalReference), sentAtMs, answeredAtMs: wallClockMs() });
  };
  const apiCreates: TimedCreate[] = [];
  const uwsCreates: TimedCreate[] = [];
  const api = () => {
    const ref = newExternalReference('create-api');
    return timed(apiCreates, ref, () => apiCreate(stack, ref));
  };
  const updateWithStart = () => {
    const ref = newExternalReference('create-uws');
    return timed(uwsCreates, ref, () => rawCreate(stack.client, ref));
  };
  const raw = async () => {
    const externalReference = newExternalReference('create-raw');
    await stack.client.workflow.start(cashIn, {
      workflowId: cashInWorkflowId(externalReference),
      taskQueue: UNPOLLED_TASK_QUEUE,
      args: [rawInput(externalReference)],
      workflowExecutionTimeout: FLOOR_WORKFLOW_TIMEOUT,
      typedSearchAttributes: [
        { key: PaymentKind, value: 'CASH_IN' },
        { key: PaymentStatus, value: 'CREATING' },
        { key: PaymentReference, value: externalReference },
        { key: PaymentAmountCentavos, value: AMOUNT_CENTAVOS },
      ],
    });
    await psp.createCashIn(
      {
        externalReference,
        amount: centavosToBrl(AMOUNT_CENTAVOS),
        expirationInMinutes: 1440,
        payer: { name: 'Bench Payer', document: '12345678909' },
      },
      { idempotencyKey: randomUUID() },
    );
  };
  const quiet: Awaited<ReturnType<typeof untilQuiet>>[] = [];
  const afterQuiet = async <T>(round: () => Promise<T>) => {
    quiet.push(await untilQuiet(stack.pids, { timeoutMs: 10_000 }));
    return round();
  };
  await dropApiWebhooks(stack, true);
  try {
    await closedLoop(20, concurrency, api);
    await closedLoop(20, concurrency, raw);
    await closedLoop(20, concurrency, updateWithStart);
    apiCreates.length = 0;
    uwsCreates.length = 0;
    const uws: number[][] = [];
    const { a, b } = await alternate(
      options.rounds,
      () => afterQuiet(() => closedLoop(options.perRound, concurrency, api)),
      () =>
        afterQuiet(async () => {
          uws.push(await closedLoop(options.perRound, concurrency, updateWithStart));
          return closedLoop(options.perRound, concurrency, raw);
        }),
    );
    const apiSummary = summarize(a.flat());
    const rawSummary = summarize(b.flat());
    const uwsSummary = summarize(uws.flat());
    return {
      concurrency,
      api: apiSummary,
      raw: rawSummary,
      rawUpdateWithStart: uwsSummary,
      ratioP50: round(apiSummary.p50Ms / rawSummary.p50Ms, 3),
      ratioP99: round(apiSummary.p99Ms / rawSummary.p99Ms, 3),
      ratioToUpdateWithStart: {
        p50: round(apiSummary.p50Ms / uwsSummary.p50Ms, 3),
        p99: round(apiSummary.p99Ms / uwsSummary.p99Ms, 3),
      },
      /** p50 ms of each stage of one create, from the histories of the last creates of each path. */
      stages: {
        api: await createStages(stack.client, apiCreates.slice(-STAGE_SAMPLES)),
        rawUpdateWithStart: await createStages(stack.client, uwsCreates.slice(-STAGE_SAMPLES)),
      },
      quietBeforeRounds: quiet,
      target: { apiP50Ms: 25, apiP99Ms: 75 },
    };
  } finally {
    await dropApiWebhooks(stack, false);
    await psp.close();
  }
}

/** Makes the API path's sandbox drop (or deliver again) every webhook, through its fault controls. */
async function dropApiWebhooks(stack: BenchStack, drop: boolean): Promise<void> {
  const res = await fetch(`${stack.sandboxUrl}/_sandbox/faults`, {
    method: drop ? 'PUT' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: drop ? JSON.stringify({ webhooks: { dropRate: 1 } }) : undefined,
  });
  if (!res.ok) throw new Error(`sandbox faults answered ${res.status}: ${await res.text()}`);
}

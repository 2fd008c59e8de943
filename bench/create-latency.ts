import { randomUUID } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../config/env.js';
import { ConnectPspClient } from '../connectpsp/client.js';
import { centavosToBrl } from '../connectpsp/money.js';
import { cashInWorkflowId } from '../workflows/cash-in/messages.js';
import { cashIn } from '../workflows/cash-in/workflow.js';
import { PaymentAmountCentavos, PaymentKind, PaymentReference, PaymentStatus } from '../workflows/search-attributes.js';
import { AMOUNT_CENTAVOS, apiCreate, rawCreate, rawInput, reference } from './cash-in-drivers.js';
import { alternate, closedLoop, round, summarize } from './measure.js';
import type { BenchStack } from './stack.js';

/** No worker polls it: the floor's workflows only need to be started, and time out by themselves. */
const UNPOLLED_TASK_QUEUE = 'bench-create-floor';

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
 */
export async function createLatency(stack: BenchStack, options: CreateLatencyOptions) {
  const psp = new ConnectPspClient({ baseUrl: stack.sandboxUrl, credentials: { ...SANDBOX_CREDENTIALS } });
  const concurrency = options.concurrency ?? 1;
  const api = () => apiCreate(stack, reference('create-api'));
  const raw = async () => {
    const externalReference = reference('create-raw');
    await stack.client.workflow.start(cashIn, {
      workflowId: cashInWorkflowId(externalReference),
      taskQueue: UNPOLLED_TASK_QUEUE,
      args: [rawInput(externalReference)],
      workflowExecutionTimeout: '1 minute',
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
  try {
    await closedLoop(20, concurrency, api);
    await closedLoop(20, concurrency, raw);
    const updateWithStart = async () => {
      await rawCreate(stack.client, reference('create-uws'));
    };
    await closedLoop(20, concurrency, updateWithStart);
    const uws: number[][] = [];
    const { a, b } = await alternate(
      options.rounds,
      () => closedLoop(options.perRound, concurrency, api),
      async () => {
        uws.push(await closedLoop(options.perRound, concurrency, updateWithStart));
        return closedLoop(options.perRound, concurrency, raw);
      },
    );
    const apiSummary = summarize(a.flat());
    const rawSummary = summarize(b.flat());
    return {
      concurrency,
      api: apiSummary,
      raw: rawSummary,
      rawUpdateWithStart: summarize(uws.flat()),
      ratioP50: round(apiSummary.p50Ms / rawSummary.p50Ms, 3),
      ratioP99: round(apiSummary.p99Ms / rawSummary.p99Ms, 3),
    };
  } finally {
    await psp.close();
  }
}

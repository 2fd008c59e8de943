import { fileURLToPath } from 'node:url';
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { NexusOperationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HandlerError } from 'nexus-rpc';
import { NEXUS_CALLER_NAMESPACE, NEXUS_CALLER_TASK_QUEUE } from '../../examples/nexus-caller/names.js';
import { checkoutWithPix, payerQrCodeQuery } from '../../examples/nexus-caller/workflow.js';
import type { CreateCashInRequest } from '../../nexus/pix-payments-service.js';
import { ensureNamespace, ensureNexusEndpoint } from '../../scripts/nexus-endpoint.js';
import { testDataConverter } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The caller example against the dev server: its workflow runs in its own namespace and reaches our worker only
 * through the `pix-payments` Nexus endpoint; the sandbox pays the charge as a payer's bank would.
 */
let stack: Stack;
let caller: Client;
let callerWorker: Worker;
let callerWorkerRun: Promise<void>;
let counter = 0;

beforeAll(async () => {
  stack = await startStack();
  const { env, config } = stack;
  await ensureNamespace(env.connection, NEXUS_CALLER_NAMESPACE);
  await ensureNexusEndpoint(env.connection, {
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });
  // Callers decode our results with the same payload codec as our worker (see docs/NEXUS.md).
  const dataConverter = testDataConverter();
  callerWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: NEXUS_CALLER_NAMESPACE,
    taskQueue: NEXUS_CALLER_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../../examples/nexus-caller/workflow.ts', import.meta.url)),
    dataConverter,
  });
  callerWorkerRun = callerWorker.run();
  caller = new Client({ connection: env.connection, namespace: NEXUS_CALLER_NAMESPACE, dataConverter });
});
afterAll(async () => {
  callerWorker?.shutdown();
  await callerWorkerRun;
  await stack?.stop();
});

const order = (overrides: Partial<CreateCashInRequest> = {}): CreateCashInRequest => ({
  externalReference: `nexus-${Date.now().toString(36)}-${++counter}`,
  amount: '25.90',
  payer: { name: 'Maria Silva', document: '529.982.247-25' },
  ...overrides,
});

const startCheckout = (body: CreateCashInRequest, suffix = '') =>
  caller.workflow.start(checkoutWithPix, {
    workflowId: `checkout:${body.externalReference}${suffix}`,
    taskQueue: NEXUS_CALLER_TASK_QUEUE,
    args: [body],
  });

async function qrCodeOf(handle: WorkflowHandle<typeof checkoutWithPix>) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const pix = await handle.query(payerQrCodeQuery);
    if (pix) return pix;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} handed no QR code on within 30 s`);
}

/** The payer pays the charge at their bank (the sandbox), which then posts ConnectPSP's webhook to our API. */
async function pay(externalReference: string) {
  const cashIn = await stack.api('GET', `/v1/cash-ins/${externalReference}`);
  const paid = await stack.sandbox('POST', `/_sandbox/cash-in/${cashIn.body.connectPsp.transactionId}/pay`);
  expect(paid.status).toBe(200);
}

/** Waits until `count` callers' `cashIn` operations are attached to the lifecycle's run (a completion callback each). */
async function attachedCallers(externalReference: string, count: number): Promise<number> {
  const lifecycle = stack.env.client.workflow.getHandle(`cash-in:${externalReference}`);
  const deadline = Date.now() + 30_000;
  let attached = 0;
  while (Date.now() < deadline) {
    attached = (await lifecycle.describe()).raw.callbacks?.length ?? 0;
    if (attached >= count) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return attached;
}

const { EventType } = proto.temporal.api.enums.v1;
async function eventTypes(handle: { fetchHistory(): Promise<proto.temporal.api.history.v1.IHistory> }) {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => EventType[e.eventType!]!.replace(/^EVENT_TYPE_/, ''));
}

test('a caller in another namespace creates a cash-in, hands its QR code on, and gets the paid cash-in back', async () => {
  const body = order();
  const checkout = await startCheckout(body);
  const pix = await qrCodeOf(checkout);
  expect(pix.copyAndPaste).toMatch(/^000201/);
  expect(Buffer.from(pix.qrCodeImageBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');

  // Our lifecycle runs in our namespace, and the caller's `cashIn` operation is attached to its run.
  const lifecycle = stack.env.client.workflow.getHandle(`cash-in:${body.externalReference}`);
  expect(await attachedCallers(body.externalReference, 1)).toBe(1);

  await pay(body.externalReference);
  const view = await checkout.result();
  expect(view).toMatchObject({ externalReference: body.externalReference, status: 'SETTLED', amountCentavos: 2590 });
  expect(view.payments).toEqual([expect.objectContaining({ amountCentavos: 2590, disposition: 'ACCEPTED' })]);

  const callerEvents = await eventTypes(checkout);
  const nexusEvents = callerEvents.filter((t) => t.startsWith('NEXUS_OPERATION'));
  // createCashIn answers synchronously (scheduled, completed); cashIn is asynchronous (scheduled, started, completed).
  expect(nexusEvents).toEqual([
    'NEXUS_OPERATION_SCHEDULED',
    'NEXUS_OPERATION_COMPLETED',
    'NEXUS_OPERATION_SCHEDULED',
    'NEXUS_OPERATION_STARTED',
    'NEXUS_OPERATION_COMPLETED',
  ]);
  const ourEvents = await eventTypes(lifecycle);
  expect(ourEvents[0]).toBe('WORKFLOW_EXECUTION_STARTED');
  expect(ourEvents.at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
  console.log(`caller history: ${callerEvents.join(' ')}\nlifecycle history: ${ourEvents.join(' ')}`);
});

test('a bad input is not retried and names the field', async () => {
  const checkout = await startCheckout(order({ amount: '10.999' }));
  const failure = await checkout.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const nexusFailure = (failure as WorkflowFailedError).cause;
  expect(nexusFailure).toBeInstanceOf(NexusOperationFailure);
  expect((nexusFailure as NexusOperationFailure).operation).toBe('createCashIn');
  const handlerError = (nexusFailure as NexusOperationFailure).cause;
  expect(handlerError).toBeInstanceOf(HandlerError);
  expect((handlerError as HandlerError).type).toBe('BAD_REQUEST');
  expect((handlerError as HandlerError).retryable).toBe(false);
  expect((handlerError as HandlerError).message).toMatch(/VALIDATION_ERROR.*\bamount\b/);
  // Refused at once, never retried: one attempt, so no cash-in exists for it.
  const events = await eventTypes(checkout);
  expect(events.filter((t) => t === 'NEXUS_OPERATION_SCHEDULED')).toHaveLength(1);
});

test('the same order from two callers is one lifecycle, and a caller after it closed gets its final view at once', async () => {
  const body = order({ amount: '7.00' });
  const first = await startCheckout(body, ':a');
  const second = await startCheckout(body, ':b');
  const [firstPix, secondPix] = await Promise.all([qrCodeOf(first), qrCodeOf(second)]);
  expect(secondPix.copyAndPaste).toBe(firstPix.copyAndPaste);

  // Both callers' cashIn operations are attached to the one run.
  expect(await attachedCallers(body.externalReference, 2)).toBe(2);
  const ledger = await stack.sandbox('GET', `/_sandbox/transactions?externalReference=${body.externalReference}`);
  expect(ledger.body.cashIns).toHaveLength(1);

  await pay(body.externalReference);
  const [firstView, secondView] = await Promise.all([first.result(), second.result()]);
  expect(firstView).toMatchObject({ status: 'SETTLED', amountCentavos: 700 });
  expect(secondView).toEqual(firstView);

  // The run has closed: the same order again is answered with the final view, the lifecycle is not started again.
  const late = await startCheckout(body, ':late');
  expect(await late.result()).toMatchObject({ status: 'SETTLED', amountCentavos: 700 });
  const runs = [];
  for await (const run of stack.env.client.workflow.list({
    query: `WorkflowId = "cash-in:${body.externalReference}"`,
  })) {
    runs.push(run.runId);
  }
  expect(runs).toHaveLength(1);
});

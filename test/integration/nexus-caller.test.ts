import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { NexusOperationFailure } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { HandlerError } from 'nexus-rpc';
import { NEXUS_CALLER_TASK_QUEUE } from '../../examples/nexus-caller/names.js';
import { checkoutWithPix, payerQrCodeQuery } from '../../examples/nexus-caller/workflow.js';
import { PIX_PAYMENTS_ENDPOINT, type CreateCashInRequest } from '../../nexus/pix-payments-service.js';
import { ensureNexusEndpoint } from '../../scripts/nexus-endpoint.js';
import { startNexusCaller, type NexusCaller } from '../support/nexus-caller.js';
import { startStack, type Stack } from '../support/stack.js';
import { callPixPayments } from '../workflows/nexus-calls.js';

/**
 * The caller example against the dev server: its workflow runs in its own namespace and reaches our worker only
 * through the `pix-payments` Nexus endpoint; the sandbox pays the charge as a payer's bank would.
 */
let stack: Stack;
let caller: Client;
let nexusCaller: NexusCaller | undefined;
let counter = 0;

beforeAll(async () => {
  stack = await startStack();
  nexusCaller = await startNexusCaller(stack);
  caller = nexusCaller.client;
});
afterAll(async () => {
  await nexusCaller?.stop();
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

/** One call of a `pix-payments` operation from a caller workflow; its answer, or the caller's failure. */
async function call<K extends Parameters<typeof callPixPayments>[0]>(
  operation: K,
  input: Parameters<typeof callPixPayments<K>>[1],
): Promise<any> {
  return caller.workflow.execute(callPixPayments<K>, {
    workflowId: `call:${operation}:${Date.now().toString(36)}-${++counter}`,
    taskQueue: NEXUS_CALLER_TASK_QUEUE,
    args: [operation, input],
  });
}

/** The handler error a caller's workflow failed with: what the operation answered, and nothing retried. */
async function handlerErrorOf(run: Promise<unknown>, operation: string): Promise<HandlerError> {
  const failure = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const nexusFailure = (failure as WorkflowFailedError).cause;
  expect(nexusFailure).toBeInstanceOf(NexusOperationFailure);
  expect((nexusFailure as NexusOperationFailure).operation).toBe(operation);
  const handlerError = (nexusFailure as NexusOperationFailure).cause;
  expect(handlerError).toBeInstanceOf(HandlerError);
  expect((handlerError as HandlerError).retryable).toBe(false);
  return handlerError as HandlerError;
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
  // How long the synchronous create took, and how soon our run's end reached the caller (figures for docs/NEXUS.md).
  const at = (events: proto.temporal.api.history.v1.IHistoryEvent[], type: string, nth = 0) =>
    tsToMs(events.filter((e) => EventType[e.eventType!] === `EVENT_TYPE_${type}`)[nth]!.eventTime);
  const callerHistory = (await checkout.fetchHistory()).events!;
  const ourHistory = (await lifecycle.fetchHistory()).events!;
  const createMs = at(callerHistory, 'NEXUS_OPERATION_COMPLETED') - at(callerHistory, 'NEXUS_OPERATION_SCHEDULED');
  const deliveryMs = at(callerHistory, 'NEXUS_OPERATION_COMPLETED', 1) - at(ourHistory, 'WORKFLOW_EXECUTION_COMPLETED');
  console.log(
    `caller history: ${callerEvents.join(' ')}\nlifecycle history: ${ourEvents.join(' ')}\n` +
      `createCashIn scheduled → completed: ${createMs} ms; our run completed → caller's cashIn completed: ${deliveryMs} ms`,
  );
});

test('a cancelled checkout stops waiting at once and leaves the payment running', async () => {
  const body = order();
  const checkout = await startCheckout(body);
  await qrCodeOf(checkout);
  expect(await attachedCallers(body.externalReference, 1)).toBe(1);
  await checkout.cancel();
  const failure = await checkout.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect((await checkout.describe()).status.name).toBe('CANCELLED');
  // The charge goes on: the payer may still pay it, and the lifecycle settles it as for any service.
  const lifecycle = await stack.api('GET', `/v1/cash-ins/${body.externalReference}`);
  expect(lifecycle.body.status).toBe('AWAITING_PAYMENT');
  await pay(body.externalReference);
  await stack.waitFor(`/v1/cash-ins/${body.externalReference}`, (b) => b.status === 'SETTLED');
});

test('a bad input is not retried and names the field', async () => {
  const checkout = await startCheckout(order({ amount: '10.999' }));
  const handlerError = await handlerErrorOf(checkout.result(), 'createCashIn');
  expect(handlerError.type).toBe('BAD_REQUEST');
  expect(handlerError.message).toMatch(/VALIDATION_ERROR.*\bamount\b/);
  // Refused at once, never retried: one attempt, so no cash-in exists for it.
  const events = await eventTypes(checkout);
  expect(events.filter((t) => t === 'NEXUS_OPERATION_SCHEDULED')).toHaveLength(1);
  const unknown = await stack.api('GET', `/v1/cash-ins/${checkout.workflowId.replace('checkout:', '')}`);
  expect(unknown.status).toBe(404);
});

test('a different order under a reference already used is a conflict, not retried', async () => {
  const body = order();
  await call('createCashIn', body);
  const handlerError = await handlerErrorOf(call('cashIn', { ...body, amount: '99.00' }), 'cashIn');
  expect(handlerError.type).toBe('CONFLICT');
  expect(handlerError.message).toMatch(/^EXTERNAL_REFERENCE_CONFLICT/);
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

test("refundCashIn refunds a settled cash-in; a cashIn asked then gets the reopened run's end, REFUNDED", async () => {
  const body = order({ amount: '12.00' });
  const checkout = await startCheckout(body);
  await qrCodeOf(checkout);
  await attachedCallers(body.externalReference, 1);
  await pay(body.externalReference);
  expect(await checkout.result()).toMatchObject({ status: 'SETTLED' });

  const refunding = await call('refundCashIn', {
    externalReference: body.externalReference,
    reason: 'CUSTOMER_REQUEST',
  });
  expect(refunding).toMatchObject({ externalReference: body.externalReference, status: 'REFUNDING', amount: '12.00' });
  // The caller that awaited the first run got that run's result (SETTLED); one asking now gets the refund's end.
  expect(await call('cashIn', body)).toMatchObject({ status: 'REFUNDED', amountCentavos: 1200 });

  // A second refund is refused for its state, not retried.
  const again = await handlerErrorOf(
    call('refundCashIn', { externalReference: body.externalReference, reason: 'FRAUD' }),
    'refundCashIn',
  );
  expect(again.type).toBe('CONFLICT');
  expect(again.message).toMatch(/^INVALID_STATE/);
});

test('settleCashIn confirms a manually settled cash-in, which the awaiting caller then gets SETTLED', async () => {
  const body = order({ amount: '8.40', settlement: { mode: 'manual' } });
  const checkout = await startCheckout(body);
  await qrCodeOf(checkout);
  await pay(body.externalReference);
  await stack.waitFor(`/v1/cash-ins/${body.externalReference}`, (b) => b.status === 'PAID');
  const settled = await call('settleCashIn', { externalReference: body.externalReference });
  expect(settled).toMatchObject({ status: 'SETTLED', amount: '8.40', settlement: { mode: 'manual' } });
  expect(await checkout.result()).toMatchObject({ status: 'SETTLED', settlementMode: 'manual', amountCentavos: 840 });
});

test('createCashOut completes with the payout final view when its lifecycle closes (here: returned by the bank)', async () => {
  const externalReference = `nexus-payout-${Date.now().toString(36)}`;
  const payout = caller.workflow.execute(callPixPayments<'createCashOut'>, {
    workflowId: `call:createCashOut:${externalReference}`,
    taskQueue: NEXUS_CALLER_TASK_QUEUE,
    args: [
      'createCashOut',
      {
        externalReference,
        amount: '20.00',
        description: 'Seller payout',
        payee: {
          name: 'Maria Silva',
          document: '52998224725',
          destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '52998224725' },
        },
      },
    ],
  });
  const processing = await stack.waitFor(`/v1/cash-outs/${externalReference}`, (b) => b.status === 'PROCESSING');
  const { transactionId } = processing.connectPsp;
  expect((await stack.sandbox('POST', `/_sandbox/cash-out/${transactionId}/complete`)).status).toBe(200);
  // COMPLETED is not final: the run stays open for the receiving bank's return (7 days unless configured).
  await stack.waitFor(`/v1/cash-outs/${externalReference}`, (b) => b.status === 'COMPLETED');
  const stillAwaiting = await caller.workflow.getHandle(`call:createCashOut:${externalReference}`).describe();
  expect(stillAwaiting.status.name).toBe('RUNNING');
  expect((await stack.sandbox('POST', `/_sandbox/cash-out/${transactionId}/refund`)).status).toBe(200);
  expect(await payout).toMatchObject({ externalReference, status: 'REFUNDED', amountCentavos: 2000 });
});

test('the endpoint is created once and re-pointed when our task queue moves', async () => {
  const { env, config } = stack;
  const target = { namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE };
  const endpoints = async () =>
    (await env.connection.operatorService.listNexusEndpoints({ name: PIX_PAYMENTS_ENDPOINT })).endpoints ?? [];
  const before = await endpoints();
  await ensureNexusEndpoint(env.connection, target);
  expect(await endpoints()).toEqual(before);
  await ensureNexusEndpoint(env.connection, { ...target, taskQueue: 'elsewhere' });
  expect((await endpoints()).map((e) => e.spec?.target?.worker?.taskQueue)).toEqual(['elsewhere']);
  await ensureNexusEndpoint(env.connection, target);
  expect((await endpoints()).map((e) => e.spec?.target?.worker?.taskQueue)).toEqual([target.taskQueue]);
});

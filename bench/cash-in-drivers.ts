import { randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { SANDBOX_CREDENTIALS } from '../config/env.js';
import { centavosToBrl } from '../connectpsp/money.js';
import { webhookSignature } from '../connectpsp/signing.js';
import { cashInEventSignal, cashInWorkflowId, createCashInUpdate } from '../workflows/cash-in/messages.js';
import type { NewCashIn, CashInPspEvent, CashInView } from '../workflows/cash-in/types.js';
import { cashIn } from '../workflows/cash-in/workflow.js';
import { PaymentAmountCentavos, PaymentKind, PaymentReference, PaymentStatus } from '../workflows/search-attributes.js';
import { RAW_TASK_QUEUE, type BenchStack } from './stack.js';

/**
 * The two ways the bench drives a cash-in. "API": what a service does (`POST /v1/cash-ins`; the sandbox pays and
 * posts the webhook). "Raw": the same `cashIn` workflow, with the same input and start options, started with
 * update-with-start and signalled by `@temporalio/client` directly, on the baseline worker's task queue.
 */

export const AMOUNT_CENTAVOS = 15_050;
const PAYER = { name: 'Bench Payer', document: '12345678909' };

/** A fresh externalReference; `tag` tells the figure and path apart in the Temporal UI. */
export const newExternalReference = (tag: string) => `bench-${tag}-${randomBytes(8).toString('hex')}`;

/** Creates that answered 503 (not done within the API's create budget) and were sent again, as a service does. */
export let createsRetried = 0;
const CREATE_ATTEMPTS = 5;

/**
 * A create `POST` as a service sends it: a 503 is asked again after its `Retry-After` (the same request attaches to
 * the same lifecycle and answers 200); anything else but `created` is an error. Resolves how many times it was
 * asked again.
 */
export async function postCreate(stack: BenchStack, path: string, body: unknown, created: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === created || (attempt > 1 && res.status === 200)) return attempt - 1;
    if (res.status !== 503 || attempt === CREATE_ATTEMPTS) {
      throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

/** `POST /v1/cash-ins` (201); the time measured includes the waits of {@link postCreate}. */
export async function apiCreate(stack: BenchStack, externalReference: string): Promise<void> {
  const body = { externalReference, amount: centavosToBrl(AMOUNT_CENTAVOS), payer: PAYER };
  createsRetried += await postCreate(stack, '/v1/cash-ins', body, 201);
}

/** The API's input to `cashIn`, field for field, with the defaults the API fills in. */
export function rawInput(externalReference: string): NewCashIn {
  return {
    kind: 'new',
    externalReference,
    amountCentavos: AMOUNT_CENTAVOS,
    expirationInMinutes: 1440,
    payer: PAYER,
    settlement: { mode: 'auto', windowMinutes: 1440 },
    requestFingerprint: randomBytes(32).toString('hex'),
    creationRequestId: crypto.randomUUID(),
    latePaymentWindowMinutes: 1440,
  };
}

export function rawStartOperation(externalReference: string, taskQueue = RAW_TASK_QUEUE) {
  return new WithStartWorkflowOperation(cashIn, {
    workflowId: cashInWorkflowId(externalReference),
    taskQueue,
    args: [rawInput(externalReference)],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: PaymentKind, value: 'CASH_IN' },
      { key: PaymentStatus, value: 'CREATING' },
      { key: PaymentReference, value: externalReference },
      { key: PaymentAmountCentavos, value: AMOUNT_CENTAVOS },
    ],
  });
}

/** Update-with-start on the baseline worker: resolves once ConnectPSP (the baseline's sandbox) took the charge. */
export function rawCreate(client: Client, externalReference: string): Promise<CashInView> {
  return client.workflow.executeUpdateWithStart(createCashInUpdate, {
    startWorkflowOperation: rawStartOperation(externalReference),
  });
}

/** The CASHIN_PAID event the API would derive from the webhook of this charge. */
export function paidEvent(view: CashInView): CashInPspEvent {
  const now = new Date().toISOString();
  return {
    eventType: 'CASHIN_PAID',
    eventAt: now,
    transactionId: view.connectPsp?.transactionId ?? 'unknown',
    status: 'PAID',
    amountCentavos: view.amountCentavos,
    endToEndId: `E${randomBytes(15).toString('hex').toUpperCase()}`.slice(0, 32),
    paidAt: now,
  };
}

export function rawSignal(client: Client, externalReference: string, event: CashInPspEvent): Promise<void> {
  return client.workflow.getHandle(cashInWorkflowId(externalReference)).signal(cashInEventSignal, event);
}

/** Waits for the lifecycle to close (SETTLED, in auto settlement) and returns its final status. */
export async function awaitSettled(client: Client, externalReference: string): Promise<string> {
  const view = (await client.workflow.getHandle(cashInWorkflowId(externalReference)).result()) as CashInView;
  if (view.status !== 'SETTLED') throw new Error(`${externalReference} ended ${view.status}, not SETTLED`);
  return view.status;
}

/** A CASHIN_PAID webhook as ConnectPSP sends it for this charge: raw body and signature header. */
export function signedPaidWebhook(view: CashInView): { body: string; signature: string } {
  const now = new Date().toISOString();
  const body = JSON.stringify({
    eventType: 'CASHIN_PAID',
    eventAt: now,
    data: {
      transactionId: view.connectPsp?.transactionId,
      internalCode: view.connectPsp?.internalCode,
      externalReference: view.externalReference,
      status: 'PAID',
      amount: AMOUNT_CENTAVOS / 100,
      payer: { ...PAYER, bankData: null },
      endToEndId: `E${randomBytes(15).toString('hex').toUpperCase()}`.slice(0, 32),
      requestedAt: view.createdAt,
      paidAt: now,
    },
  });
  return { body, signature: webhookSignature(body, SANDBOX_CREDENTIALS.cryptoToken) };
}

export async function postWebhook(stack: BenchStack, webhook: { body: string; signature: string }): Promise<void> {
  const res = await fetch(`${stack.apiUrl}/webhooks/connectpsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-connect-signature': webhook.signature },
    body: webhook.body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /webhooks/connectpsp answered ${res.status}: ${text.slice(0, 300)}`);
}

import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { webhookSignature } from '../../connectpsp/signing.js';
import { PaymentKind, PaymentReference } from '../../workflows/search-attributes.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

function cashInPaidEvent(externalReference: string): string {
  return JSON.stringify({
    eventType: 'CASHIN_PAID',
    eventAt: new Date().toISOString(),
    data: {
      transactionId: 'kk6g232xel65a0daee4dd13kk2912714964',
      internalCode: 'US7B1JQ',
      externalReference,
      status: 'PAID',
      amount: 10,
      endToEndId: 'E00416968202603101827cemeFscF6AG',
      payer: { name: 'Test User', document: '12345678909', bankData: null },
      requestedAt: '2026-03-10T11:20:00-03:00',
      paidAt: '2026-03-10T11:22:15-03:00',
    },
  });
}

async function post(baseUrl: string, body: string, cryptoToken: string) {
  return fetch(`${baseUrl}/webhooks/connectpsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-connect-signature': webhookSignature(body, cryptoToken) },
    body,
  });
}

test('an event for an unknown cash-in is acknowledged and kept as an unmatched-event workflow for operators', async () => {
  const reference = `nobody-${Date.now().toString(36)}`;
  const body = cashInPaidEvent(reference);
  const res = await post(stack.apiUrl, body, stack.config.CONNECTPSP_CRYPTO_TOKEN);
  expect(res.status).toBe(200);
  // ConnectPSP retrying the same delivery records nothing twice.
  expect((await post(stack.apiUrl, body, stack.config.CONNECTPSP_CRYPTO_TOKEN)).status).toBe(200);
  const recorded = [];
  for await (const execution of stack.env.client.workflow.list({
    query: `PaymentKind = 'UNMATCHED_EVENT' AND PaymentReference = '${reference}'`,
  })) {
    recorded.push(execution);
  }
  expect(recorded).toHaveLength(1);
  expect(recorded[0]?.typedSearchAttributes.get(PaymentKind)).toBe('UNMATCHED_EVENT');
  expect(recorded[0]?.typedSearchAttributes.get(PaymentReference)).toBe(reference);
  const event = await stack.env.client.workflow.getHandle(recorded[0]!.workflowId).result();
  expect(event).toMatchObject({ eventType: 'CASHIN_PAID', externalReference: reference, amountCentavos: 1000 });
  expect(JSON.stringify(event)).not.toContain('Test User');
});

test('a webhook answers 503 when Temporal is unreachable, so ConnectPSP retries and nothing is lost', async () => {
  // A Temporal client pointed at a port where nothing listens.
  const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1 second' });
  const temporal = new Client({ connection });
  const server: Server = createApp({ config: stack.config, temporal, logger: pino({ level: 'silent' }) }).listen(
    0,
    '127.0.0.1',
  );
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await post(url, cashInPaidEvent('any-reference'), stack.config.CONNECTPSP_CRYPTO_TOKEN);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBeTruthy();
  } finally {
    server.closeAllConnections();
    server.close();
    await connection.close();
  }
}, 60_000);

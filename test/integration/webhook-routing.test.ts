import { webhookSignature } from '../../connectpsp/signing.js';
import { PaymentKind, PaymentReference } from '../../workflows/search-attributes.js';
import { serveApi, unreachableTemporal } from '../support/api-server.js';
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
  const temporal = unreachableTemporal({ connectTimeout: '1 second' });
  const { url, close } = await serveApi(stack.config, temporal.client);
  try {
    const res = await post(url, cashInPaidEvent('any-reference'), stack.config.CONNECTPSP_CRYPTO_TOKEN);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBeTruthy();
  } finally {
    close();
    await temporal.close();
  }
}, 60_000);

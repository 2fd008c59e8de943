import { randomUUID } from 'node:crypto';
import { cashInBody, sleep, startSandbox, WebhookReceiver } from '../support/sandbox-harness.js';
import type { SandboxClient } from '../support/sandbox-harness.js';
import type { RunningSandbox } from '../../sandbox/app.js';

let sandbox: RunningSandbox;
let client: SandboxClient;

beforeAll(async () => {
  ({ sandbox, client } = await startSandbox());
  await client.accessToken();
});
afterAll(() => sandbox.close());
afterEach(async () => {
  expect((await client.control('DELETE', '/faults')).status).toBe(204);
});

async function storedCashIns(externalReference: string): Promise<unknown[]> {
  return (await client.control('GET', `/transactions?externalReference=${externalReference}`)).json
    .cashIns as unknown[];
}

describe('request faults', () => {
  test('an error rate of 1 answers the configured 5xx problem without doing the work, on that endpoint only', async () => {
    const put = await client.control('PUT', '/faults', {
      endpoints: { 'POST /cash-in': { errorRate: 1, errorStatus: 503 } },
    });
    expect(put.status).toBe(200);
    const body = cashInBody();
    const result = await client.call('POST', '/cash-in', { body });
    expect(result.status).toBe(503);
    expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(result.json).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(await storedCashIns(String(body.externalReference))).toHaveLength(0);
    expect((await client.call('GET', '/account/balance')).status).toBe(200);
  });

  test('a not-found rate of 1 answers 404 TRANSACTION_NOT_FOUND for a transaction that exists, until cleared', async () => {
    const created = await client.call('POST', '/cash-in', { body: cashInBody() });
    const lookup = () => client.call('GET', `/cash-in/${String(created.json.transactionId)}`);
    await client.control('PUT', '/faults', { endpoints: { '*': { notFoundRate: 1 } } });
    const lost = await lookup();
    expect(lost.status).toBe(404);
    expect(lost.json).toMatchObject({ code: 'TRANSACTION_NOT_FOUND' });
    expect((await client.call('GET', '/account/balance')).status).toBe(200);
    await client.control('DELETE', '/faults');
    expect((await lookup()).status).toBe(200);
  });

  test('added latency delays the answer by at least the configured time', async () => {
    await client.control('PUT', '/faults', { endpoints: { 'GET /account/balance': { latencyMs: 200 } } });
    const started = Date.now();
    expect((await client.call('GET', '/account/balance')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  test('a lost response does the work and drops the connection; a retry with the same key replays, once', async () => {
    await client.control('PUT', '/faults', { endpoints: { '*': { lostResponseRate: 1 } } });
    const body = cashInBody();
    const key = randomUUID();
    await expect(client.call('POST', '/cash-in', { body, idempotencyKey: key })).rejects.toThrow();
    expect(await storedCashIns(String(body.externalReference))).toHaveLength(1);
    await client.control('DELETE', '/faults');
    const retry = await client.call('POST', '/cash-in', { body, idempotencyKey: key });
    expect(retry.status).toBe(201);
    expect(await storedCashIns(String(body.externalReference))).toHaveLength(1);
  });

  test('the same seed and request sequence inject the same faults, and a different seed others', async () => {
    const run = async (seed: number): Promise<number[]> => {
      await client.control('PUT', '/faults', { seed, endpoints: { 'GET /account/balance': { errorRate: 0.5 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await client.call('GET', '/account/balance')).status);
      return statuses;
    };
    const first = await run(42);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run(42)).toEqual(first);
    expect(await run(7)).not.toEqual(first);
  });

  test('an unknown endpoint name or a rate above 1 is a 400', async () => {
    expect((await client.control('PUT', '/faults', { endpoints: { 'POST /nope': { errorRate: 1 } } })).status).toBe(
      400,
    );
    expect((await client.control('PUT', '/faults', { endpoints: { '*': { errorRate: 2 } } })).status).toBe(400);
  });
});

describe('webhook faults', () => {
  async function payWithWebhook(receiver: WebhookReceiver): Promise<string> {
    const created = await client.call('POST', '/cash-in', { body: cashInBody({ webhookUrl: receiver.url }) });
    const id = String(created.json.transactionId);
    await client.control('POST', `/cash-in/${id}/pay`);
    return id;
  }

  async function logOf(transactionId: string): Promise<Array<Record<string, unknown>>> {
    return (await client.control('GET', `/webhooks?transactionId=${transactionId}`)).json.deliveries as Array<
      Record<string, unknown>
    >;
  }

  test('a dropped event is never sent and is logged as DROPPED', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      await client.control('PUT', '/faults', { webhooks: { dropRate: 1 } });
      const id = await payWithWebhook(receiver);
      await sleep(150);
      expect(receiver.received).toHaveLength(0);
      expect((await logOf(id)).map((entry) => entry.outcome)).toEqual(['DROPPED']);
    } finally {
      await receiver.close();
    }
  });

  test('a duplicated event arrives twice with the same body and different event ids', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      await client.control('PUT', '/faults', { webhooks: { duplicateRate: 1 } });
      await payWithWebhook(receiver);
      const [a, b] = await receiver.waitFor(2);
      expect(a?.rawBody.equals(b?.rawBody ?? Buffer.alloc(0))).toBe(true);
      expect(a?.headers['x-event-id']).not.toBe(b?.headers['x-event-id']);
    } finally {
      await receiver.close();
    }
  });

  test('a delayed event arrives only after the configured delay', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      await client.control('PUT', '/faults', { webhooks: { delayRate: 1, delayMs: 300 } });
      const started = Date.now();
      await payWithWebhook(receiver);
      const [delivery] = await receiver.waitFor(1);
      expect((delivery?.receivedAtMs ?? 0) - started).toBeGreaterThanOrEqual(295);
    } finally {
      await receiver.close();
    }
  });

  test('a reordered event is overtaken by the next event to the same URL', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      await client.control('PUT', '/faults', { webhooks: { reorderRate: 1, reorderMaxHoldMs: 5000 } });
      const first = await payWithWebhook(receiver);
      await client.control('PUT', '/faults', { webhooks: {} });
      const second = await payWithWebhook(receiver);
      const deliveries = await receiver.waitFor(2);
      const order = deliveries.map(
        (delivery) =>
          (JSON.parse(delivery.rawBody.toString()) as { data: { transactionId: string } }).data.transactionId,
      );
      expect(order).toEqual([second, first]);
    } finally {
      await receiver.close();
    }
  });
});

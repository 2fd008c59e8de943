import { randomUUID } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../../config/env.js';
import { CashInSchema, WebhookEventSchema } from '../../connectpsp/schemas/index.js';
import { verifyWebhookSignature } from '../../connectpsp/signing.js';
import { cashInBody, pixCashOutBody, sleep, startSandbox, WebhookReceiver } from '../support/sandbox-harness.js';
import type { SandboxClient } from '../support/sandbox-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const cryptoToken = SANDBOX_CREDENTIALS.cryptoToken;

async function withSandbox(
  options: Parameters<typeof startSandbox>[0],
  respond: Parameters<typeof WebhookReceiver.start>[0],
  run: (env: Awaited<ReturnType<typeof startSandbox>> & { receiver: WebhookReceiver }) => Promise<void>,
): Promise<void> {
  const env = await startSandbox(options);
  const receiver = await WebhookReceiver.start(respond);
  try {
    await run({ ...env, receiver });
  } finally {
    await env.sandbox.close();
    await receiver.close();
  }
}

/** The log line of an attempt is written when its response arrives, just after the receiver saw the request. */
async function logOnceComplete(
  client: SandboxClient,
  transactionId: string,
  count: number,
): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < 100; i++) {
    const log = await client.control('GET', `/webhooks?transactionId=${transactionId}`);
    const entries = log.json.deliveries as Array<Record<string, unknown>>;
    if (entries.length >= count) return entries;
    await sleep(20);
  }
  throw new Error(`delivery log never reached ${count} entries`);
}

describe('webhook delivery', () => {
  test('CASHIN_PAID is POSTed as the documented envelope, signed over the exact bytes, with the GET shape as data', () =>
    withSandbox({}, undefined, async ({ client, receiver }) => {
      const created = await client.call('POST', '/cash-in', { body: cashInBody({ webhookUrl: receiver.url }) });
      const id = String(created.json.transactionId);
      await client.control('POST', `/cash-in/${id}/pay`);
      const [delivery] = await receiver.waitFor(1);
      expect(delivery?.headers['content-type']).toBe('application/json');
      expect(delivery?.headers['x-event-id']).toMatch(UUID);
      expect(
        verifyWebhookSignature(delivery?.rawBody ?? '', delivery?.headers['x-connect-signature'], cryptoToken),
      ).toBe(true);
      const event = WebhookEventSchema.parse(JSON.parse(delivery?.rawBody.toString() ?? ''));
      expect(event.eventType).toBe('CASHIN_PAID');
      expect(event.eventAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Object.keys(JSON.parse(delivery?.rawBody.toString() ?? '{}') as object)).toEqual([
        'eventType',
        'eventAt',
        'data',
      ]);
      const current = CashInSchema.parse((await client.call('GET', `/cash-in/${id}`)).json);
      expect(event.data).toEqual(current);
    }));

  test('CASHIN_REFUNDED and each CASHOUT_* event carry the transaction in its new state', () =>
    withSandbox({}, undefined, async ({ client, receiver }) => {
      const cashIn = await client.call('POST', '/cash-in', { body: cashInBody({ webhookUrl: receiver.url }) });
      const cashInId = String(cashIn.json.transactionId);
      await client.control('POST', `/cash-in/${cashInId}/pay`);
      await receiver.waitFor(1);
      await client.call('POST', `/cash-in/${cashInId}/refund`, { auth: 'signed', body: { reason: 'FRAUD' } });
      await receiver.waitFor(2);
      const completed = await client.call('POST', '/cash-out', {
        auth: 'signed',
        body: pixCashOutBody({ webhookUrl: receiver.url }),
      });
      await client.control('POST', `/cash-out/${String(completed.json.transactionId)}/complete`);
      await receiver.waitFor(3);
      await client.control('POST', `/cash-out/${String(completed.json.transactionId)}/refund`);
      await receiver.waitFor(4);
      const failed = await client.call('POST', '/cash-out', {
        auth: 'signed',
        body: pixCashOutBody({ webhookUrl: receiver.url }),
      });
      await client.control('POST', `/cash-out/${String(failed.json.transactionId)}/fail`, {
        code: 'PIX_KEY_NOT_FOUND',
      });
      const events = (await receiver.waitFor(5)).map((delivery) =>
        WebhookEventSchema.parse(JSON.parse(delivery.rawBody.toString())),
      );
      expect(events.map((event) => [event.eventType, event.data.status])).toEqual([
        ['CASHIN_PAID', 'PAID'],
        ['CASHIN_REFUNDED', 'REFUNDED'],
        ['CASHOUT_COMPLETED', 'COMPLETED'],
        ['CASHOUT_REFUNDED', 'REFUNDED'],
        ['CASHOUT_FAILED', 'FAILED'],
      ]);
      expect(events[1]?.data.endToEndId).toMatch(/^D/);
      expect(events[1]?.data.originalEndToEndId).toMatch(/^E/);
      expect(events[3]?.data.originalEndToEndId).toBe(events[2]?.data.endToEndId);
      expect(events[4]?.data).toMatchObject({ endToEndId: null, failure: { code: 'PIX_KEY_NOT_FOUND' } });
    }));

  test('a failing receiver is retried with exponential backoff, a new X-Event-Id and identical signed bytes', () =>
    withSandbox(
      { webhookBackoffBaseMs: 100 },
      (index) => (index < 2 ? 500 : 200),
      async ({ client, receiver }) => {
        const created = await client.call('POST', '/cash-in', { body: cashInBody({ webhookUrl: receiver.url }) });
        await client.control('POST', `/cash-in/${String(created.json.transactionId)}/pay`);
        const deliveries = await receiver.waitFor(3);
        const eventIds = deliveries.map((delivery) => delivery.headers['x-event-id']);
        expect(new Set(eventIds).size).toBe(3);
        expect(deliveries[1]?.rawBody.equals(deliveries[0]?.rawBody ?? Buffer.alloc(0))).toBe(true);
        expect(deliveries[2]?.rawBody.equals(deliveries[0]?.rawBody ?? Buffer.alloc(0))).toBe(true);
        const gaps = [1, 2].map((i) => (deliveries[i]?.receivedAtMs ?? 0) - (deliveries[i - 1]?.receivedAtMs ?? 0));
        expect(gaps[0]).toBeGreaterThanOrEqual(95);
        expect(gaps[1]).toBeGreaterThanOrEqual(195);
        const entries = await logOnceComplete(client, String(created.json.transactionId), 3);
        expect(entries.map((entry) => [entry.attempt, entry.outcome, entry.status, entry.nextAttemptInMs])).toEqual([
          [1, 'FAILED', 500, 100],
          [2, 'FAILED', 500, 200],
          [3, 'DELIVERED', 200, null],
        ]);
        expect(entries.map((entry) => entry.eventId)).toEqual(eventIds);
      },
    ));

  test('only a 2xx counts as delivered: a redirect or 4xx is retried, and a 204 is accepted', () =>
    withSandbox(
      { webhookBackoffBaseMs: 20 },
      (index) => [302, 404, 204][index] ?? 200,
      async ({ client, receiver }) => {
        const created = await client.call('POST', '/cash-in', { body: cashInBody({ webhookUrl: receiver.url }) });
        await client.control('POST', `/cash-in/${String(created.json.transactionId)}/pay`);
        await receiver.waitFor(3);
        const entries = await logOnceComplete(client, String(created.json.transactionId), 3);
        expect(receiver.received).toHaveLength(3);
        expect(entries.map((entry) => entry.outcome)).toEqual(['FAILED', 'FAILED', 'DELIVERED']);
      },
    ));

  test('a receiver slower than the timeout counts as failed, and delivery stops after the configured attempts', () =>
    withSandbox(
      { webhookTimeoutMs: 150, webhookAttempts: 2, webhookBackoffBaseMs: 20 },
      () => ({ status: 200, delayMs: 400 }),
      async ({ client, receiver }) => {
        const created = await client.call('POST', '/cash-in', { body: cashInBody({ webhookUrl: receiver.url }) });
        await client.control('POST', `/cash-in/${String(created.json.transactionId)}/pay`);
        await receiver.waitFor(2);
        const entries = await logOnceComplete(client, String(created.json.transactionId), 2);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(receiver.received).toHaveLength(2);
        expect(entries.map((entry) => entry.outcome)).toEqual(['TIMEOUT', 'TIMEOUT']);
        expect(entries[1]?.nextAttemptInMs).toBeNull();
        expect(entries[0]?.durationMs).toBeGreaterThanOrEqual(140);
      },
    ));

  test('without a webhookUrl nothing is sent, unless a default URL is configured', () =>
    withSandbox({}, undefined, async ({ client, receiver }) => {
      const created = await client.call('POST', '/cash-in', { body: cashInBody(), idempotencyKey: randomUUID() });
      await client.control('POST', `/cash-in/${String(created.json.transactionId)}/pay`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(receiver.received).toHaveLength(0);
      expect((await client.control('GET', '/webhooks')).json.deliveries).toEqual([]);
      const { sandbox, client: withDefault } = await startSandbox({ defaultWebhookUrl: receiver.url });
      try {
        const other = await withDefault.call('POST', '/cash-in', { body: cashInBody() });
        await withDefault.control('POST', `/cash-in/${String(other.json.transactionId)}/pay`);
        expect(await receiver.waitFor(1)).toHaveLength(1);
      } finally {
        await sandbox.close();
      }
    }));
});

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { apiKeyEntryLine } from '../../api/auth/api-keys.js';
import { TEST_API_KEY, TEST_API_KEYS_ENTRY, testDataConverter } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The events API against the whole stack. The delivery retry period is 26 hours in production; here it is
 * shortened by configuration to 3 s (first retry after 0.2 s, doubling up to 1 s), so that "a receiver down for
 * 30 hours" is a receiver down longer than the whole retry period: every event it missed ends up `failed`.
 */
const READ_ONLY_KEY = 'pixk_test-cash-ins-only-0123456789abcdefghijklmnop';

interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number;
}

let stack: Stack;
let receiver: Server;
let receiverUp = true;
const received: Received[] = [];
let callbackUrl: string;
let counter = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const answered = receiverUp ? 204 : 503;
      received.push({ headers: req.headers as Record<string, string>, body: text, answered });
      res.writeHead(answered).end();
    });
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  stack = await startStack({
    CALLBACK_RETRY_PERIOD_SECONDS: '3',
    CALLBACK_RETRY_FIRST_INTERVAL_SECONDS: '0.2',
    CALLBACK_RETRY_MAX_INTERVAL_SECONDS: '1',
    API_KEYS: `${TEST_API_KEYS_ENTRY};${apiKeyEntryLine('cash-ins-only', READ_ONLY_KEY, ['cash-ins:read', 'cash-ins:write'])}`,
  });
});
afterAll(async () => {
  await stack?.stop();
  receiver?.close();
});

const reference = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}`;

/** Creates a cash-in whose callbackUrl is the test receiver; answers the API's 201. */
async function cashInWithCallback(externalReference: string, amount: string) {
  const res = await stack.api('POST', '/v1/cash-ins', {
    externalReference,
    amount,
    payer: { name: 'Maria Silva', document: '529.982.247-25' },
    callbackUrl,
  });
  expect(res.status).toBe(201);
  return res;
}

/** A cash-in with the test receiver as its callbackUrl, paid through the sandbox and settled. */
async function settledCashIn(name: string): Promise<string> {
  const externalReference = reference(name);
  const res = await cashInWithCallback(externalReference, '12.34');
  const paid = await stack.sandbox('POST', `/_sandbox/cash-in/${res.body.connectPsp.transactionId}/pay`);
  expect(paid.status).toBeLessThan(300);
  await stack.waitFor(`/v1/cash-ins/${externalReference}`, (b) => b.status === 'SETTLED');
  return externalReference;
}

/** Polls the events list until `predicate` holds on its items. */
async function waitForEvents(query: string, predicate: (items: any[]) => boolean, timeoutMs = 30_000) {
  const body = await stack.waitFor(
    `/v1/events?${query}`,
    (b) => Array.isArray(b?.items) && predicate(b.items),
    timeoutMs,
  );
  return body.items as any[];
}

const TYPES = ['cash-in.awaiting_payment', 'cash-in.paid', 'cash-in.settled'];

test('a delivered cash-in lists its three events, newest first, each with the one attempt that delivered it', async () => {
  receiverUp = true;
  const ref = await settledCashIn('delivered');
  const items = await waitForEvents(`externalReference=${ref}`, (i) => i.length === 3);
  expect(items.map((e) => e.type)).toEqual([...TYPES].reverse());
  expect(items.every((e) => e.delivery === 'delivered' && e.attemptCount === 1)).toBe(true);

  const one = await stack.api('GET', `/v1/events/${items[0].id}`);
  expect(one.status).toBe(200);
  expect(one.body.attempts).toEqual([expect.objectContaining({ httpStatus: 204, error: null })]);
  // The payload is what the receiver got, byte for byte, under this webhook-id.
  const delivered = received.find((r) => r.headers['webhook-id'] === items[0].id);
  expect(delivered).toBeDefined();
  expect(JSON.parse(delivered!.body)).toEqual(one.body.payload);
  expect(new Webhook(stack.config.CALLBACK_SECRET).verify(delivered!.body, delivered!.headers)).toEqual(
    one.body.payload,
  );

  // The lifecycle and its record replay on this code (the callbacks path is new: nothing released covers it).
  for (const workflowId of [`cash-in:${ref}`, items[2].id.replace(/^callback:/, 'callbacks:')]) {
    const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory(
      { workflowsPath: WORKFLOWS_PATH, dataConverter: testDataConverter() },
      history,
      workflowId,
    );
  }

  // Pages of one event each walk the same three, and a cursor is bound to its filters.
  const page1 = await stack.api('GET', `/v1/events?externalReference=${ref}&limit=1`);
  expect(page1.body.items).toHaveLength(1);
  const page2 = await stack.api('GET', `/v1/events?externalReference=${ref}&limit=1&cursor=${page1.body.nextCursor}`);
  expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
  const other = await stack.api('GET', `/v1/events?limit=1&cursor=${page1.body.nextCursor}`);
  expect(other.status).toBe(400);
  expect(other.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
});

test('a receiver down for longer than the retry period (30 hours in production): the API lists what it missed, a bulk redelivery sends each event once, signed, with its webhook-id', async () => {
  receiverUp = false;
  const refs = [await settledCashIn('outage-a'), await settledCashIn('outage-b')];
  const failed = await waitForEvents('delivery=failed', (i) =>
    refs.every((ref) => i.filter((e) => e.externalReference === ref).length === 3),
  );
  const missed = failed.filter((e) => refs.includes(e.externalReference));
  expect(missed).toHaveLength(6);
  // Each event is retried for the period from when it occurred; later ones wait behind the first (order), so they
  // may have had their last chance by the time it gave up.
  for (const event of missed) expect(event.attemptCount).toBeGreaterThanOrEqual(1);
  const firsts = missed.filter((e) => e.type === 'cash-in.awaiting_payment');
  for (const event of firsts) expect(event.attemptCount).toBeGreaterThan(2);
  const idsDuringOutage = new Set(received.filter((r) => r.answered === 503).map((r) => r.headers['webhook-id']));
  for (const event of missed) expect(idsDuringOutage).toContain(event.id);

  // The attempts of a failed event: every one refused with 503, spread over the retry period.
  const detail = await stack.api('GET', `/v1/events/${missed[0].id}`);
  expect(detail.body.delivery).toBe('failed');
  expect(detail.body.attempts.every((a: { httpStatus: number }) => a.httpStatus === 503)).toBe(true);

  receiverUp = true;
  const before = received.length;
  const redelivery = await stack.api('POST', '/v1/events/redeliver', { delivery: 'failed' });
  expect(redelivery.status).toBe(202);
  expect(redelivery.body.eventIds.sort()).toEqual(missed.map((e) => e.id).sort());

  await waitForEvents('delivery=delivered', (i) => missed.every((m) => i.some((e) => e.id === m.id)));
  // A moment more: a second copy of any event would arrive now.
  await new Promise((r) => setTimeout(r, 1500));
  const redelivered = received.slice(before);
  const ids = redelivered.map((r) => r.headers['webhook-id']);
  expect(ids.sort()).toEqual(missed.map((e) => e.id).sort());
  const verifier = new Webhook(stack.config.CALLBACK_SECRET);
  for (const ref of refs) {
    const bodies = redelivered
      .map(
        (r) => verifier.verify(r.body, r.headers) as { id: string; type: string; data: { externalReference: string } },
      )
      .filter((e) => e.data.externalReference === ref);
    // In order per lifecycle, as first meant.
    expect(bodies.map((e) => e.type)).toEqual(TYPES);
  }
  const after = await stack.api('GET', `/v1/events/${missed[0].id}`);
  expect(after.body.delivery).toBe('delivered');
  expect(after.body.attempts.at(-1)).toMatchObject({ httpStatus: 204 });
});

test('one event redelivered by id keeps its webhook-id and payload', async () => {
  receiverUp = true;
  const ref = await settledCashIn('one');
  const [settled] = await waitForEvents(`externalReference=${ref}&type=cash-in.settled`, (i) => i.length === 1);
  const before = received.length;
  const res = await stack.api('POST', `/v1/events/${settled.id}/redeliver`);
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ redelivered: 1, eventIds: [settled.id] });
  const deadline = Date.now() + 15_000;
  while (received.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const again = received.slice(before);
  expect(again.map((r) => r.headers['webhook-id'])).toEqual([settled.id]);
  const first = received.find((r) => r.headers['webhook-id'] === settled.id)!;
  expect(again[0]!.body).toBe(first.body);
  await stack.waitFor(`/v1/events/${settled.id}`, (b) => b.attempts?.length === 2);
});

test('an event of a lifecycle still running is read from the lifecycle, and cannot be redelivered before it ends', async () => {
  receiverUp = true;
  const externalReference = reference('running');
  const before = received.length;
  await cashInWithCallback(externalReference, '5.00');
  const deadline = Date.now() + 15_000;
  const mine = () => received.slice(before).find((r) => r.body.includes(externalReference));
  while (!mine() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const id = mine()!.headers['webhook-id']!;
  const event = await stack.waitFor(`/v1/events/${id}`, (b) => b?.delivery === 'delivered');
  expect(event).toMatchObject({ type: 'cash-in.awaiting_payment', attemptCount: 1, payload: JSON.parse(mine()!.body) });
  const redeliver = await stack.api('POST', `/v1/events/${id}/redeliver`);
  expect([redeliver.status, redeliver.body.code]).toEqual([409, 'INVALID_STATE']);
  expect((await stack.api('GET', `/v1/events?externalReference=${externalReference}`)).body.items).toEqual([]);
});

test('the events routes need the events scopes, answer 404 for an unknown event and problem+json naming bad filters', async () => {
  for (const [method, path] of [
    ['GET', '/v1/events'],
    ['GET', '/v1/events/callback:cash-in:nope:1'],
    ['POST', '/v1/events/redeliver'],
    ['POST', '/v1/events/callback:cash-in:nope:1/redeliver'],
  ] as const) {
    const res = await stack.api(method, path, method === 'POST' ? { delivery: 'failed' } : undefined, {
      token: READ_ONLY_KEY,
    });
    expect([method, path, res.status, res.body.code]).toEqual([method, path, 403, 'INSUFFICIENT_SCOPE']);
  }

  for (const path of ['/v1/events/callback:cash-in:nope:1', '/v1/events/not-an-event']) {
    const res = await stack.api('GET', path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  }
  expect((await stack.api('POST', '/v1/events/callback:cash-in:nope:1/redeliver')).status).toBe(404);

  for (const [query, field] of [
    ['delivery=lost', 'delivery'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['type=refund', 'type'],
    ["externalReference=a'b", 'externalReference'],
    ['cursor=v1.abc.def', 'cursor'],
  ]) {
    const res = await stack.api('GET', `/v1/events?${query}`);
    expect([query, res.status]).toEqual([query, 400]);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }
  // `redeliver` is a route of its own, not an event id.
  const options = await fetch(`${stack.apiUrl}/v1/events/redeliver`, {
    method: 'OPTIONS',
    headers: { authorization: `Bearer ${TEST_API_KEY}` },
  });
  expect(options.headers.get('allow')).toBe('POST');
  const get = await stack.api('GET', '/v1/events/redeliver');
  expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);

  const empty = await stack.api('POST', '/v1/events/redeliver', {});
  expect(empty.status).toBe(400);
  const unknown = await stack.api('POST', '/v1/events/redeliver', { delivery: 'failed', everything: true });
  expect(unknown.status).toBe(400);
});

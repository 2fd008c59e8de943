import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Agent, fetch } from 'undici';
import { publicOnlyLookup } from '../../activities/callback-destination.js';
import { createCallbackActivities } from '../../activities/callbacks.js';

const SECRET = 'whsec_dGVzdC1jYWxsYmFjay1zZWNyZXQtZm9yLWd1YXJk';
let receiver: Server;
let received = 0;
let port: number;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    received += 1;
    req.resume();
    res.writeHead(204).end();
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => {
  receiver.close();
});

const event = {
  id: 'callback:cash-in:guard:1',
  type: 'cash_in.settled',
  sequence: 1,
  occurredAt: new Date().toISOString(),
  data: {},
} as never;

test('a callback to a loopback receiver fails for good and nothing is sent', async () => {
  const { deliverCallback } = createCallbackActivities({
    secret: SECRET,
    destination: { requireHttps: false, allowPrivateNetworks: false },
  });
  const before = received;
  const failure = await new MockActivityEnvironment()
    .run(deliverCallback, { url: `http://127.0.0.1:${port}/cb`, event })
    .catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({
    type: 'CALLBACK_DESTINATION_REFUSED',
    nonRetryable: true,
    message: 'callbackUrl must not point to a loopback, private or link-local address',
  });
  expect(received).toBe(before);
});

test('by default (production policy) a plain http callback is refused', async () => {
  const { deliverCallback } = createCallbackActivities({ secret: SECRET });
  const failure = await new MockActivityEnvironment()
    .run(deliverCallback, { url: `http://hooks.example.com/cb`, event })
    .catch((err: unknown) => err);
  expect(failure).toMatchObject({ type: 'CALLBACK_DESTINATION_REFUSED', message: 'callbackUrl must be an https URL' });
});

test('with private networks allowed (development, tests) the same callback is delivered', async () => {
  const { deliverCallback } = createCallbackActivities({
    secret: SECRET,
    destination: { requireHttps: false, allowPrivateNetworks: true },
  });
  const before = received;
  await new MockActivityEnvironment().run(deliverCallback, { url: `http://127.0.0.1:${port}/cb`, event });
  expect(received).toBe(before + 1);
});

test('the connection itself refuses a name that resolves to loopback (DNS changed after the check)', async () => {
  const dispatcher = new Agent({ connect: { lookup: publicOnlyLookup } });
  const before = received;
  const error = await fetch(`http://localhost:${port}/cb`, { dispatcher }).catch((err: Error) => err);
  expect(error).toBeInstanceOf(Error);
  expect(String((error as Error & { cause?: unknown }).cause)).toContain('resolves to a non-public address');
  expect(received).toBe(before);
  await dispatcher.close();
});

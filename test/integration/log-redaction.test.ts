import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { createLogger } from '../../observability/logger.js';
import { TEST_API_KEY } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The LGPD promise for logs, checked end to end: real lifecycles through the API, worker, Temporal and the
 * sandbox, every line any part writes captured, then searched for the personal data and secrets that went in.
 */
const payer = { name: 'Lucineide Redactable Barbosa', document: '714.602.380-01' };
const payee = { name: 'Florisvaldo Hidden Teixeira', document: '529.982.247-25' };
const payeePixKey = 'florisvaldo.hidden@example.com';
const secrets = [
  payer.name,
  'Lucineide',
  payer.document,
  payer.document.replace(/\D/g, ''),
  payee.name,
  'Florisvaldo',
  payee.document.replace(/\D/g, ''),
  payeePixKey,
  TEST_API_KEY,
];

const structured: string[] = [];
const written: string[] = [];
let stack: Stack;
let receiver: Server;
const restore: (() => void)[] = [];
const consoleCalls: (() => string[])[] = [];

function tap(stream: NodeJS.WriteStream) {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => (stream.write = original));
}

beforeAll(async () => {
  tap(process.stdout);
  tap(process.stderr);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = jest.spyOn(console, method);
    consoleCalls.push(() => spy.mock.calls.map((args) => args.map(String).join(' ')));
    restore.push(() => spy.mockRestore());
  }
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const logger = createLogger('stack', 'trace', { write: (line: string) => void structured.push(line) });
  stack = await startStack({ CASH_OUT_FIRST_POLL_SECONDS: '1' }, { logger });
});
afterAll(async () => {
  await stack?.stop();
  receiver?.close();
  restore.forEach((undo) => undo());
});

test('lifecycles with payers, payees, PIX keys and tokens leave none of them in any log line or metric label', async () => {
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const cashInRef = `logscan-in-${Date.now().toString(36)}`;
  const created = await stack.api('POST', '/v1/cash-ins', {
    externalReference: cashInRef,
    amount: '30.00',
    payer,
    callbackUrl,
  });
  expect(created.status).toBe(201);
  await stack.sandbox('POST', `/_sandbox/cash-in/${created.body.connectPsp.transactionId}/pay`);
  await stack.waitFor(`/v1/cash-ins/${cashInRef}`, (b) => b.status === 'SETTLED');
  const refund = await stack.api('POST', `/v1/cash-ins/${cashInRef}/refund`, { reason: 'CUSTOMER_REQUEST' });
  expect(refund.status).toBe(202);
  await stack.waitFor(`/v1/cash-ins/${cashInRef}`, (b) => b.status === 'REFUNDED');

  const cashOutRef = `logscan-out-${Date.now().toString(36)}`;
  const payout = await stack.api('POST', '/v1/cash-outs', {
    externalReference: cashOutRef,
    amount: '10.00',
    payee: { ...payee, destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: payeePixKey } },
  });
  expect(payout.status).toBe(202);
  await stack.sandbox('POST', `/_sandbox/cash-out/${payout.body.connectPsp.transactionId}/complete`);
  await stack.waitFor(`/v1/cash-outs/${cashOutRef}`, (b) => b.status === 'COMPLETED');

  // Refusals log too: a bad document, a forged webhook carrying personal data, a wrong token.
  expect(
    (
      await stack.api('POST', '/v1/cash-ins', {
        externalReference: 'x',
        amount: '1',
        payer: { ...payer, document: '71460238000' },
      })
    ).status,
  ).toBe(400);
  const forged = await fetch(`${stack.apiUrl}/webhooks/connectpsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-connect-signature': 'f'.repeat(64) },
    body: JSON.stringify({ eventType: 'CASHIN_PAID', data: { payer } }),
  });
  expect(forged.status).toBe(401);
  expect((await stack.api('GET', '/v1/cash-ins', undefined, { token: `${TEST_API_KEY}x` })).status).toBe(401);

  const metrics = await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  const exposition = metrics.ok ? await metrics.text() : '';

  // Not vacuous: the API, the worker's activities and the refusals all wrote lines.
  const all = structured.join('');
  expect(all).toContain('request completed');
  expect(all).toContain('activity completed');
  expect(all).toContain('webhook refused');
  expect(all).toContain('credential refused');
  const printed = [...written, ...consoleCalls.flatMap((calls) => calls())].join('\n');
  for (const text of [all, printed, exposition]) {
    expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
  }
});

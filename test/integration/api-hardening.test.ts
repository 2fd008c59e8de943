import { apiKeyEntryLine } from '../../api/auth/api-keys.js';
import { TEST_API_KEYS_ENTRY } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

const THROTTLED_KEY = 'pixk_throttled-service-0123456789abcdefghijklmnopq';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    API_KEYS: [TEST_API_KEYS_ENTRY, apiKeyEntryLine('throttled', THROTTLED_KEY, ['cash-ins:read'])].join(';'),
    RATE_LIMIT_PER_SECOND: '1',
    RATE_LIMIT_BURST: '20',
    // As in production: callbacks only to public addresses.
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false',
  });
});
afterAll(async () => {
  await stack?.stop();
});

const payer = { name: 'Maria Silva', document: '529.982.247-25' };

test('answers carry security headers and no X-Powered-By', async () => {
  const res = await stack.api('GET', '/v1/cash-ins?limit=1');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(res.headers.get('x-powered-by')).toBeNull();
});

test('a credential over its rate gets 429 with Retry-After while other credentials go on', async () => {
  const statuses: number[] = [];
  let limited: Awaited<ReturnType<Stack['api']>> | undefined;
  for (let i = 0; i < 25 && limited === undefined; i++) {
    const res = await stack.api('GET', '/v1/cash-ins/rate-probe', undefined, { token: THROTTLED_KEY });
    statuses.push(res.status);
    if (res.status === 429) limited = res;
  }
  expect(statuses.filter((s) => s === 404).length).toBeGreaterThanOrEqual(19);
  expect(limited?.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  expect(limited?.headers.get('content-type')).toContain('application/problem+json');
  expect(limited?.body.code).toBe('RATE_LIMITED');
  expect((await stack.api('GET', '/v1/cash-ins/rate-probe')).status).toBe(404);
});

test('a JSON body over 32 kB is a 413 problem', async () => {
  const res = await stack.api('POST', '/v1/cash-ins', { externalReference: 'big', padding: 'x'.repeat(40_000) });
  expect(res.status).toBe(413);
  expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
});

test('error bodies never carry a stack trace', async () => {
  const malformed = await stack.api('POST', '/v1/cash-ins', '{"amount": ');
  const undecodable = await stack.api('POST', '/codec/decode', {
    payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') }, data: 'AAAA' }],
  });
  expect([malformed.status, undecodable.status]).toEqual([400, 422]);
  for (const body of [malformed.body, undecodable.body]) {
    expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|Error:/);
    expect(body.stack).toBeUndefined();
  }
});

test.each([
  ['loopback', 'http://127.0.0.1:9/cb'],
  ['a name for loopback', 'http://localhost:9/cb'],
  ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
  ['a private network', 'http://10.0.0.7/cb'],
  ['IPv6 loopback', 'http://[::1]/cb'],
])('a callbackUrl pointing to %s is refused with 400 on the field', async (_what, callbackUrl) => {
  const res = await stack.api('POST', '/v1/cash-ins', {
    externalReference: `cb-${Date.now().toString(36)}`,
    amount: '10.00',
    payer,
    callbackUrl,
  });
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([
    { field: 'callbackUrl', message: 'must not point to a loopback, private or link-local address' },
  ]);
});

test('the webhook endpoint needs no bearer token but refuses a bad signature, and a body over 64 kB', async () => {
  const forged = await fetch(`${stack.apiUrl}/webhooks/connectpsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-connect-signature': '0'.repeat(64) },
    body: '{"eventType":"CASHIN_PAID","data":{}}',
  });
  expect(forged.status).toBe(401);
  expect(((await forged.json()) as { code: string }).code).toBe('INVALID_SIGNATURE');
  const huge = await fetch(`${stack.apiUrl}/webhooks/connectpsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-connect-signature': '0'.repeat(64) },
    body: JSON.stringify({ padding: 'x'.repeat(70_000) }),
  });
  expect(huge.status).toBe(413);
});

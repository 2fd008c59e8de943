import { request } from 'node:http';
import { webhookSignature } from '../../connectpsp/signing.js';
import { TEST_API_KEY } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The OpenAPI document is the contract: every example it shows is accepted by the API, every constraint the
 * validators enforce is declared in it, and a method it does not list on a path it does is a 405 with `Allow`.
 * The stack runs with the production callback policy (no private networks, no DNS lookup at create time).
 */
let stack: Stack;
let document: any;

beforeAll(async () => {
  stack = await startStack({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
  document = await (await fetch(`${stack.apiUrl}/openapi.json`)).json();
});
afterAll(() => stack?.stop());

/** node:http, not fetch: fetch refuses to send TRACE. */
function send(method: string, path: string): Promise<{ status: number; allow?: string; type?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${stack.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          allow: res.headers.allow,
          type: res.headers['content-type'],
          body: text ? JSON.parse(text) : undefined,
        }),
      );
    });
    req.end();
  });
}

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

test('every request example in the document is accepted, example.com callback URLs included', async () => {
  const answers: { example: string; status: number }[] = [];
  for (const { path, method, operation } of operations()) {
    const media = operation.requestBody?.content?.['application/json'];
    for (const [name, example] of Object.entries((media?.examples ?? {}) as Record<string, { value: unknown }>)) {
      const url = path.replace('{externalReference}', 'order-1001');
      const raw = JSON.stringify(example.value);
      const res = path.startsWith('/webhooks/')
        ? await fetch(stack.apiUrl + url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-connect-signature': webhookSignature(raw, stack.config.CONNECTPSP_CRYPTO_TOKEN),
            },
            body: raw,
          })
        : await stack.api(method.toUpperCase(), url, example.value);
      answers.push({ example: `${method} ${path} ${name}`, status: res.status });
    }
  }
  expect(answers.map((a) => a.example)).toEqual(
    expect.arrayContaining(['post /v1/cash-ins qrCode', 'post /v1/cash-outs pixKey', 'post /webhooks/connectpsp paid']),
  );
  // The refund example names a cash-in that exists (qrCode's) but is not paid: a state conflict, not a refusal.
  const refused = answers.filter((a) => a.status === 400 || a.status === 422 || a.status >= 500);
  expect(refused).toEqual([]);
});

test('the constraints the validators enforce are declared', () => {
  const body = (path: string) => document.paths[path].post.requestBody.content['application/json'].schema;
  const query = (path: string, name: string) =>
    document.paths[path].get.parameters.find((p: { name: string }) => p.name === name).schema;
  // A page limit is a number to a generated client; the validator reads it from decimal digits only.
  for (const path of ['/v1/cash-ins', '/v1/cash-outs']) {
    expect(query(path, 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
  }
  expect(query('/v1/cash-outs', 'cursor')).toMatchObject({
    type: 'string',
    maxLength: 4096,
    pattern: expect.any(String),
  });
  expect(query('/v1/cash-outs', 'status').enum).toContain('PROCESSING');

  const cashIn = body('/v1/cash-ins');
  expect(cashIn.required).toEqual(expect.arrayContaining(['externalReference', 'amount', 'payer']));
  const [number, text] = cashIn.properties.amount.anyOf;
  expect(number).toEqual({ type: 'number', exclusiveMinimum: 0, maximum: 100_000, multipleOf: 0.01 });
  const amount = new RegExp(text.pattern);
  expect(['0.01', '25.90', '100000', '100000.00'].every((v) => amount.test(v))).toBe(true);
  expect(['0', '0.00', '1.234', '100000.01', '100001', '-1', '010'].some((v) => amount.test(v))).toBe(false);
  expect(cashIn.properties.payer.properties.document).toMatchObject({ maxLength: 18, pattern: expect.any(String) });
  expect(cashIn.properties.callbackUrl).toMatchObject({ format: 'uri', maxLength: 2048 });

  const target = new RegExp(body('/v1/wallet/rebalance').properties.targetAmount.anyOf[1].pattern);
  expect(['0', '0.00', '5000.00'].every((v) => target.test(v))).toBe(true);
  expect(['5000.001', 'abc', ''].some((v) => target.test(v))).toBe(false);
});

test('a method the document does not list on a path it does is a 405 problem with Allow; unknown paths are 404', async () => {
  const answers = [];
  for (const [method, path] of [
    ['TRACE', '/v1/cash-ins'],
    ['PUT', '/v1/cash-ins/order-1'],
    ['DELETE', '/v1/cash-outs/payout-1'],
    ['PATCH', '/v1/wallet/balance'],
    ['GET', '/v1/cash-ins/order-1/settle'],
    ['GET', '/webhooks/connectpsp'],
  ] as const) {
    const res = await send(method, path);
    answers.push({
      request: `${method} ${path}`,
      status: res.status,
      allow: res.allow,
      type: res.type,
      code: res.body?.code,
    });
  }
  const problem = { type: expect.stringContaining('application/problem+json'), code: 'METHOD_NOT_ALLOWED' };
  expect(answers).toEqual([
    { request: 'TRACE /v1/cash-ins', status: 405, allow: 'GET, HEAD, POST', ...problem },
    { request: 'PUT /v1/cash-ins/order-1', status: 405, allow: 'GET, HEAD', ...problem },
    { request: 'DELETE /v1/cash-outs/payout-1', status: 405, allow: 'GET, HEAD', ...problem },
    { request: 'PATCH /v1/wallet/balance', status: 405, allow: 'GET, HEAD', ...problem },
    { request: 'GET /v1/cash-ins/order-1/settle', status: 405, allow: 'POST', ...problem },
    { request: 'GET /webhooks/connectpsp', status: 405, allow: 'POST', ...problem },
  ]);
  const unknown = await send('TRACE', '/no-such-thing');
  expect([unknown.status, unknown.body.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
});

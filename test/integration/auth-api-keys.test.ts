import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { apiKeyEntryLine } from '../../api/auth/api-keys.js';
import { scopeForV1Request } from '../../api/auth/scopes.js';
import { TEST_API_KEYS_ENTRY } from '../support/credentials.js';
import { expressRoutes } from '../support/express-routes.js';
import { startStack, type Stack } from '../support/stack.js';

const READER_KEY = 'pixk_reader-cash-ins-only-0123456789abcdefghijklmnop';
const WALLET_KEY = 'pixk_wallet-operator-0123456789abcdefghijklmnopqrstu';

let stack: Stack;
let v1Routes: { method: string; path: string }[];

/** A concrete path for a route template: every `:param` becomes a harmless value. */
const concretePath = (template: string) => template.replace(/:[A-Za-z0-9_]+/g, 'route-probe-1');

beforeAll(async () => {
  stack = await startStack({
    API_KEYS: [
      TEST_API_KEYS_ENTRY,
      apiKeyEntryLine('reader', READER_KEY, ['cash-ins:read']),
      apiKeyEntryLine('wallet-ops', WALLET_KEY, ['wallet:read', 'wallet:write']),
    ].join(';'),
  });
  // The routes of the app as it is today, whoever added them: a new /v1 route is covered without editing this test.
  const app = createApp({ config: stack.config, temporal: stack.env.client, logger: pino({ level: 'silent' }) });
  v1Routes = expressRoutes(app)
    .map((r) => {
      const [method, path] = r.description.split(' ') as [string, string];
      return { method, path };
    })
    .filter((r) => r.path.startsWith('/v1/') || r.path.startsWith('/codec/'));
});
afterAll(async () => {
  await stack?.stop();
});

test('the app has the cash-in, cash-out and wallet routes this test walks', () => {
  const paths = v1Routes.map((r) => `${r.method} ${r.path}`);
  expect(paths).toEqual(expect.arrayContaining(['POST /v1/cash-ins', 'GET /v1/cash-ins/:externalReference']));
  expect(paths.some((p) => p.includes('/v1/cash-outs'))).toBe(true);
  expect(paths.some((p) => p.includes('/v1/wallet'))).toBe(true);
});

test('every /v1 and codec route refuses an anonymous request with 401 problem+json and a Bearer challenge', async () => {
  const answers: string[] = [];
  for (const route of v1Routes) {
    const res = await stack.api(route.method, concretePath(route.path), route.method === 'GET' ? undefined : {}, {
      token: null,
    });
    answers.push(`${route.method} ${route.path} -> ${res.status} ${res.headers.get('www-authenticate')}`);
    expect(res.headers.get('content-type') ?? '').toContain('application/problem+json');
  }
  expect(answers).toEqual(v1Routes.map((r) => `${r.method} ${r.path} -> 401 Bearer realm="pix-agent"`));
});

test('every /v1 route needs a scope that a credential can hold', () => {
  const unscoped = v1Routes
    .filter((r) => r.path.startsWith('/v1/'))
    .filter((r) => scopeForV1Request(r.method, r.path.slice('/v1'.length)) === undefined);
  expect(unscoped).toEqual([]);
});

test('an unknown API key is refused with 401 invalid_token', async () => {
  const res = await stack.api('GET', '/v1/cash-ins', undefined, { token: 'pixk_not-a-configured-key' });
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
});

test('an Authorization header that is not Bearer is refused with 401', async () => {
  const res = await stack.api('GET', '/v1/cash-ins', undefined, {
    token: null,
    headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
  });
  expect(res.status).toBe(401);
});

test('an API key with cash-ins:read lists cash-ins but may not create one, nor touch cash-outs or the wallet', async () => {
  expect((await stack.api('GET', '/v1/cash-ins?limit=1', undefined, { token: READER_KEY })).status).toBe(200);
  for (const [method, path, scope] of [
    ['POST', '/v1/cash-ins', 'cash-ins:write'],
    ['POST', '/v1/cash-ins/some-ref/refund', 'cash-ins:write'],
    ['GET', '/v1/cash-outs', 'cash-outs:read'],
    ['GET', '/v1/wallet/balance', 'wallet:read'],
  ] as const) {
    const res = await stack.api(method, path, method === 'POST' ? {} : undefined, { token: READER_KEY });
    expect([path, res.status, res.body.requiredScope]).toEqual([path, 403, scope]);
  }
});

test('an API key with the wallet scopes reaches the wallet and nothing else', async () => {
  const balance = await stack.api('GET', '/v1/wallet/balance', undefined, { token: WALLET_KEY });
  expect(balance.status).not.toBe(401);
  expect(balance.status).not.toBe(403);
  expect((await stack.api('GET', '/v1/cash-ins', undefined, { token: WALLET_KEY })).status).toBe(403);
});

// A reader's decode answers payloads with personal data masked (payload-encryption.test.ts); encoding needs its scope.
test('the codec endpoint: a cash-ins reader may not encode payloads without payloads:encode', async () => {
  const res = await stack.api('POST', '/codec/encode', { payloads: [] }, { token: READER_KEY });
  expect(res.status).toBe(403);
  expect(res.body.requiredScope).toBe('payloads:encode');
});

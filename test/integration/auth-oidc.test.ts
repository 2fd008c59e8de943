import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { startStack, type Stack } from '../support/stack.js';
import {
  API_AUDIENCE,
  INTROSPECTION_CLIENT,
  OPAQUE_RESOURCE,
  OTHER_AUDIENCE,
  SERVICE_CLIENT,
  startIdentityProvider,
  type TestIdentityProvider,
} from '../support/oidc-provider.js';

let idp: TestIdentityProvider;
let stack: Stack;

beforeAll(async () => {
  idp = await startIdentityProvider();
  stack = await startStack({
    OIDC_ISSUER: idp.issuer,
    OIDC_AUDIENCE: API_AUDIENCE,
    OIDC_INTROSPECTION_CLIENT_ID: INTROSPECTION_CLIENT.id,
    OIDC_INTROSPECTION_CLIENT_SECRET: INTROSPECTION_CLIENT.secret,
  });
});
afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const validClaims = () => ({
  iss: idp.issuer,
  aud: API_AUDIENCE,
  sub: SERVICE_CLIENT.id,
  client_id: SERVICE_CLIENT.id,
  scope: 'cash-ins:read cash-ins:write',
  iat: now(),
  exp: now() + 300,
});
const listCashIns = (token: string) => stack.api('GET', '/v1/cash-ins?limit=1', undefined, { token });

function expectRefused(res: { status: number; body: any; headers: Headers }) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.code).toBe('UNAUTHENTICATED');
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="pix-agent", error="invalid_token"/);
}

test('a JWT access token from the identity provider (client credentials) with the scope is accepted', async () => {
  const token = await idp.clientCredentialsToken(['cash-ins:read']);
  const res = await listCashIns(token);
  expect(res.status).toBe(200);
  expect(Array.isArray(res.body.items)).toBe(true);
});

test('a valid token without the route scope is refused with 403 insufficient_scope', async () => {
  const token = await idp.clientCredentialsToken(['cash-ins:read']);
  const res = await stack.api('POST', '/v1/cash-ins', { externalReference: 'x' }, { token });
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', requiredScope: 'cash-ins:write' });
  expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="cash-ins:write"');
});

test('a token the provider issued for another API (wrong audience) is refused', async () => {
  expectRefused(await listCashIns(await idp.clientCredentialsToken(['cash-ins:read'], OTHER_AUDIENCE)));
});

test('an expired token signed by the issuer is refused', async () => {
  const res = await listCashIns(await idp.signWithIssuerKey({ ...validClaims(), iat: now() - 600, exp: now() - 60 }));
  expectRefused(res);
  expect(res.body.detail).toBe('The token has expired');
});

test('a token not yet valid (nbf in the future) is refused', async () => {
  expectRefused(await listCashIns(await idp.signWithIssuerKey({ ...validClaims(), nbf: now() + 120 })));
});

test('a token naming another issuer is refused even when signed with the issuer key', async () => {
  const res = await listCashIns(await idp.signWithIssuerKey({ ...validClaims(), iss: 'https://evil.example' }));
  expectRefused(res);
  expect(res.body.detail).toBe("The token's iss claim is not accepted");
});

test('a tampered token (scope widened after signing) is refused', async () => {
  const [header, payload, signature] = (await idp.clientCredentialsToken(['cash-ins:read'])).split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'cash-ins:read cash-outs:write' })).toString(
    'base64url',
  );
  const res = await listCashIns(`${header}.${widened}.${signature}`);
  expectRefused(res);
  expect(res.body.detail).toBe('The token signature is invalid');
});

test('an unsecured token (alg: none) with valid claims is refused', async () => {
  const token = new UnsecuredJWT(validClaims()).encode();
  expect(token.endsWith('.')).toBe(true);
  expectRefused(await listCashIns(token));
});

test('tokens signed with an algorithm or a key we do not accept are refused', async () => {
  const hmac = await new SignJWT(validClaims())
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('a-shared-secret-anyone-could-guess!'));
  expectRefused(await listCashIns(hmac));
  const { privateKey } = await generateKeyPair('RS256');
  const foreign = await new SignJWT(validClaims())
    .setProtectedHeader({ alg: 'RS256', kid: 'test-signing-key' })
    .sign(privateKey);
  expectRefused(await listCashIns(foreign));
});

test('an opaque access token is checked by introspection: active is accepted, garbage is refused', async () => {
  const opaque = await idp.clientCredentialsToken(['cash-ins:read'], OPAQUE_RESOURCE);
  expect(opaque.split('.')).toHaveLength(1);
  expect((await listCashIns(opaque)).status).toBe(200);
  expectRefused(await listCashIns('not-a-token-the-provider-ever-issued'));
});

test('a request without credentials gets 401 with a bare Bearer challenge', async () => {
  const res = await stack.api('GET', '/v1/cash-ins', undefined, { token: null });
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="pix-agent"');
});

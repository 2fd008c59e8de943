// The module system was chosen for these ESM-only packages: this proves jest loads them as they ship.
test('openid-client, jose and oidc-provider load under jest', async () => {
  const openid = await import('openid-client');
  const jose = await import('jose');
  const { default: Provider } = await import('oidc-provider');
  expect(typeof openid.discovery).toBe('function');
  const secret = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes!!');
  const jwt = await new jose.SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
  const { payload } = await jose.jwtVerify(jwt, secret);
  expect(payload.sub).toBe('x');
  expect(typeof Provider).toBe('function');
});

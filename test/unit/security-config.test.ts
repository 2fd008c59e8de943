import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiKeyEntryLine, hashApiKey, parseApiKeys } from '../../api/auth/api-keys.js';
import { SCOPES } from '../../api/auth/scopes.js';
import { loadConfig } from '../../config/env.js';

const PAYLOAD_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const production = {
  NODE_ENV: 'production',
  CALLBACK_SECRET: 'whsec_cHJvZHVjdGlvbi1jYWxsYmFjay1zZWNyZXQ=',
  PAYLOAD_KEYS,
  API_KEYS: apiKeyEntryLine('svc', 'pixk_production-key'),
};

test('API_KEYS holds only hashes; * grants every scope and a list grants exactly those', () => {
  const [all, reader] = parseApiKeys(
    `${apiKeyEntryLine('ops', 'pixk_a')};${apiKeyEntryLine('reader', 'pixk_b', ['cash-ins:read', 'wallet:read'])}`,
  );
  expect(all).toMatchObject({ name: 'ops', sha256: hashApiKey('pixk_a') });
  expect([...all!.scopes]).toEqual([...SCOPES]);
  expect([...reader!.scopes]).toEqual(['cash-ins:read', 'wallet:read']);
});

test('a malformed or unknown-scope API_KEYS entry fails at start, naming the entry and not the hash', () => {
  expect(() => loadConfig({ API_KEYS: 'svc:not-a-hash:*' })).toThrow(
    'API_KEYS: entry 1 must be <name>:<sha256 hex of the key>:<scope>',
  );
  expect(() => loadConfig({ API_KEYS: apiKeyEntryLine('svc', 'k', ['cash-ins:delete']) })).toThrow(
    'key svc has unknown scope(s) cash-ins:delete',
  );
});

test('production never starts open, unencrypted or with private callback destinations', () => {
  expect(loadConfig(production).NODE_ENV).toBe('production');
  expect(() => loadConfig({ ...production, API_KEYS: '' })).toThrow('set API_KEYS or OIDC_ISSUER in production');
  expect(() => loadConfig({ ...production, PAYLOAD_KEYS: '' })).toThrow('PAYLOAD_KEYS: must be set in production');
  expect(() => loadConfig({ ...production, CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' })).toThrow(
    'CALLBACK_ALLOW_PRIVATE_NETWORKS: must not be true in production',
  );
  expect(() => loadConfig({ ...production, CODEC_ANONYMOUS_REDACTED: 'true' })).toThrow(
    'CODEC_ANONYMOUS_REDACTED: must not be true in production',
  );
  expect(() =>
    loadConfig({ ...production, OIDC_ISSUER: 'http://idp.example', OIDC_AUDIENCE: 'https://api.example' }),
  ).toThrow('OIDC_ISSUER: must be https in production');
});

test('OIDC needs an audience, and none or HS256 can never be accepted algorithms', () => {
  expect(() => loadConfig({ OIDC_ISSUER: 'https://idp.example' })).toThrow('OIDC_AUDIENCE: is required');
  expect(() => loadConfig({ OIDC_ALGORITHMS: 'RS256,none' })).toThrow('asymmetric JWS algorithms only');
  expect(() => loadConfig({ OIDC_ALGORITHMS: 'HS256' })).toThrow('asymmetric JWS algorithms only');
});

test('secrets can come from files named by <NAME>_FILE, not from both places at once', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pix-secrets-'));
  const file = path.join(dir, 'payload-keys');
  writeFileSync(file, PAYLOAD_KEYS + '\n', { mode: 0o600 });
  expect(loadConfig({ PAYLOAD_KEYS_FILE: file }).PAYLOAD_KEYS.map((k) => k.id)).toEqual(['k1']);
  expect(() => loadConfig({ PAYLOAD_KEYS_FILE: file, PAYLOAD_KEYS })).toThrow(
    'set either PAYLOAD_KEYS or PAYLOAD_KEYS_FILE',
  );
  expect(() => loadConfig({ API_KEYS_FILE: path.join(dir, 'missing') })).toThrow('API_KEYS_FILE: cannot read');
});

import {
  digitalSignature,
  verifyDigitalSignature,
  verifyWebhookSignature,
  webhookSignature,
} from '../../connectpsp/signing.js';

// Test vectors from the contract (§5 and §14), computed with both Python hmac and openssl.
const CRYPTO_TOKEN = 'test-crypto-token-123';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl';
const JWT_SIGNATURE = 'd2a41c87d996da7fe42294bc1ec14694eb8558c0d5ccc1a47a3c9781941e9d78';
const WEBHOOK_BODY =
  '{"eventType":"CASHIN_PAID","eventAt":"2026-03-10T14:22:18Z","data":{"internalCode":"US7B1JQ","status":"PAID"}}';
const WEBHOOK_SIGNATURE = 'eeeffdeadda7f862dca819d6238e0971eeb5f4e2bc3ca2887c28d2c882ddd3f4';

describe('ConnectPSP signatures', () => {
  test('DigitalSignature is the lowercase hex HMAC of the JWT keyed by the CryptoToken (contract vector)', () => {
    expect(digitalSignature(JWT, CRYPTO_TOKEN)).toBe(JWT_SIGNATURE);
  });

  test('a DigitalSignature verifies only for the same JWT, key and exact lowercase text', () => {
    expect(verifyDigitalSignature(JWT, JWT_SIGNATURE, CRYPTO_TOKEN)).toBe(true);
    expect(verifyDigitalSignature(JWT, JWT_SIGNATURE.toUpperCase(), CRYPTO_TOKEN)).toBe(false);
    expect(verifyDigitalSignature(JWT + 'x', JWT_SIGNATURE, CRYPTO_TOKEN)).toBe(false);
    expect(verifyDigitalSignature(JWT, JWT_SIGNATURE, 'other-token')).toBe(false);
    expect(verifyDigitalSignature(JWT, undefined, CRYPTO_TOKEN)).toBe(false);
  });

  test('X-Connect-Signature over the raw body matches the contract vector for strings and buffers', () => {
    expect(webhookSignature(WEBHOOK_BODY, CRYPTO_TOKEN)).toBe(WEBHOOK_SIGNATURE);
    expect(webhookSignature(Buffer.from(WEBHOOK_BODY, 'utf8'), CRYPTO_TOKEN)).toBe(WEBHOOK_SIGNATURE);
  });

  test('webhook verification accepts the documented signature and rejects any change of body, key or header', () => {
    expect(verifyWebhookSignature(WEBHOOK_BODY, WEBHOOK_SIGNATURE, CRYPTO_TOKEN)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(WEBHOOK_BODY), WEBHOOK_SIGNATURE, CRYPTO_TOKEN)).toBe(true);
    const reserialised = JSON.stringify(JSON.parse(WEBHOOK_BODY), null, 1);
    expect(verifyWebhookSignature(reserialised, WEBHOOK_SIGNATURE, CRYPTO_TOKEN)).toBe(false);
    expect(verifyWebhookSignature(WEBHOOK_BODY, WEBHOOK_SIGNATURE, 'wrong-token')).toBe(false);
    expect(verifyWebhookSignature(WEBHOOK_BODY, WEBHOOK_SIGNATURE.slice(0, 63), CRYPTO_TOKEN)).toBe(false);
    expect(verifyWebhookSignature(WEBHOOK_BODY, '', CRYPTO_TOKEN)).toBe(false);
    expect(verifyWebhookSignature(WEBHOOK_BODY, [WEBHOOK_SIGNATURE], CRYPTO_TOKEN)).toBe(false);
    expect(verifyWebhookSignature(WEBHOOK_BODY, undefined, CRYPTO_TOKEN)).toBe(false);
  });
});

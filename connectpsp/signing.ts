import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * ConnectPSP's two HMAC-SHA256 signatures, both keyed by the CryptoToken and printed as lowercase hex.
 * `DigitalSignature` signs only the JWT (the openssl recipe of the First Cash-Out tutorial), so it is the same for
 * every request made with one token; `X-Connect-Signature` signs the exact bytes of a webhook body.
 */

/** `DigitalSignature` header value: lowercase hex HMAC-SHA256 of the raw JWT (no `Bearer `), keyed by the CryptoToken. */
export function digitalSignature(jwt: string, cryptoToken: string): string {
  return createHmac('sha256', cryptoToken).update(jwt, 'utf8').digest('hex');
}

/** `X-Connect-Signature` header value: lowercase hex HMAC-SHA256 of the raw body bytes, keyed by the CryptoToken. */
export function webhookSignature(rawBody: Buffer | string, cryptoToken: string): string {
  const hmac = createHmac('sha256', cryptoToken);
  return (typeof rawBody === 'string' ? hmac.update(rawBody, 'utf8') : hmac.update(rawBody)).digest('hex');
}

/**
 * True when `header` is the `X-Connect-Signature` of `rawBody`. Compares in constant time; a missing header or one of
 * the wrong length is simply false. Must be given the body exactly as received, never re-serialised JSON.
 */
export function verifyWebhookSignature(
  rawBody: Buffer | string,
  header: string | readonly string[] | undefined,
  cryptoToken: string,
): boolean {
  return signatureMatches(webhookSignature(rawBody, cryptoToken), header);
}

/**
 * True when `header` is the `DigitalSignature` of `jwt`. Compares in constant time; the sandbox requires an exact
 * lowercase match, as `openssl dgst` prints it.
 */
export function verifyDigitalSignature(
  jwt: string,
  header: string | readonly string[] | undefined,
  cryptoToken: string,
): boolean {
  return signatureMatches(digitalSignature(jwt, cryptoToken), header);
}

function signatureMatches(expectedHex: string, header: string | readonly string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(expectedHex, 'utf8');
  const actual = Buffer.from(header, 'utf8');
  // timingSafeEqual throws on different lengths; the length of a hex digest is public anyway.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

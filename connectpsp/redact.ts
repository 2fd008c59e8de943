/**
 * Redaction of ConnectPSP secrets and personal data before anything reaches a log, a metric label or an error
 * detail. Secrets (JWTs, ApplicationToken, CryptoToken, client secret, signatures) and personal data (names,
 * CPF/CNPJ, PIX keys, bank accounts) are replaced by a marker; everything else passes unchanged so that logs
 * stay useful (ids, statuses, amounts, codes).
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets or personal data, compared case-insensitively and without `-`/`_`. */
const SENSITIVE_KEYS = new Set(
  [
    'authorization',
    'accessToken',
    'applicationToken',
    'cryptoToken',
    'clientSecret',
    'digitalSignature',
    'x-connect-signature',
    'password',
    'name',
    'document',
    'pixKey',
    'bankAccount',
    'bankData',
    'account',
    'branch',
    'copyAndPaste',
    'qrCodeImageBase64',
  ].map(normaliseKey),
);

const MAX_DEPTH = 8;

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** A deep copy of `value` with sensitive fields replaced by {@link REDACTED} and strings passed through {@link redactText}. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SENSITIVE_KEYS.has(normaliseKey(key)) && item != null ? REDACTED : redact(item, depth + 1);
  }
  return copy;
}

const PATTERNS: readonly RegExp[] = [
  // JWTs (three base64url segments, the first a JSON header starting with `{"` → `eyJ`).
  /\beyJ[\w-]*\.[\w-]*\.[\w-]*/g,
  // Bearer credentials of any shape.
  /\bBearer\s+\S+/gi,
  // E-mail addresses (PIX keys of type EMAIL).
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,
  // Phone PIX keys in E.164.
  /\+\d{10,15}\b/g,
  // Formatted or bare CPF (11 digits) and CNPJ (14 digits); longer digit runs such as ISPB+date ids are kept.
  /\b\d{3}\.\d{3}\.\d{3}-\d{2}\b/g,
  /\b\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}\b/g,
  /(?<![\w.])(?:\d{11}|\d{14})(?![\w.])/g,
  // Alphanumeric CNPJ (from July 2026): 12 of 0-9A-Z with at least one letter, then 2 check digits.
  /(?<![\w.])(?=[0-9A-Z]{0,11}[A-Z])[0-9A-Z]{12}\d{2}(?![\w.])/g,
  /\b[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}\/[0-9A-Z]{4}-\d{2}\b/g,
  // 64-hex HMACs (DigitalSignature, X-Connect-Signature).
  /\b[0-9a-f]{64}\b/gi,
];

/** Masks secrets and personal data that may hide inside free text such as an error message or a `detail`. */
export function redactText(text: string): string {
  return PATTERNS.reduce((result, pattern) => result.replace(pattern, REDACTED), text);
}

/** Redacts the values of known secrets wherever they appear in `text`, whatever their shape. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => (secret === '' ? result : result.split(secret).join(REDACTED)), text);
}

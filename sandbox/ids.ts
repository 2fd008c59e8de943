import { randomBytes, randomUUID } from 'node:crypto';

/** Identifiers in the shapes ConnectPSP issues them (contract §8). */

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn in blocks: one `randomBytes` call per identifier costs more than the identifier itself.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

function randomByte(): number {
  if (poolOffset === POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  return pool[poolOffset++] ?? 0;
}

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
  }
  return out;
}

/** Cash-in TxId: 35 lowercase alphanumerics, e.g. `kk6g232xel65a0daee4dd13kk2912714964`. */
export function cashInTransactionId(): string {
  return randomString(LOWER_ALNUM, 35);
}

/** Cash-in internal code: 7 uppercase alphanumerics, e.g. `US7B1JQ`. */
export function cashInInternalCode(): string {
  return randomString(UPPER_ALNUM, 7);
}

/** Cash-out transaction id: a UUID. */
export function cashOutTransactionId(): string {
  return randomUUID();
}

/** Cash-out internal code: 10 uppercase letters, e.g. `IVKPRMOCDY`. */
export function cashOutInternalCode(): string {
  return randomString(UPPER, 10);
}

/**
 * BACEN end-to-end id: `E` (payment) or `D` (devolution), the 8-digit ISPB of the institution that originates it,
 * `yyyyMMddHHmm` in UTC, then 11 alphanumerics.
 */
export function endToEndId(prefix: 'E' | 'D', ispb: string, atMs: number): string {
  const stamp = new Date(atMs).toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `${prefix}${ispb}${stamp}${randomString(MIXED_ALNUM, 11)}`;
}

/** Internal codes are short, so collisions are possible and are retried. */
export function uniqueCode(index: Map<string, unknown>, generate: () => string): string {
  for (;;) {
    const code = generate();
    if (!index.has(code)) return code;
  }
}

/**
 * Keys that encrypt workflow and activity payloads. Configured as `kid:base64key,kid2:base64key`: the first
 * encrypts, every one decrypts, so a key rotates by putting a new one first and keeping the old ones after it
 * until no open workflow holds payloads encrypted with them.
 */
export interface PayloadKey {
  /** Written in each payload's metadata so the reader knows which key to use. */
  id: string;
  /** 32 bytes, AES-256. */
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses the `PAYLOAD_KEYS` format; throws an error naming the faulty entry, never its key material. */
export function parsePayloadKeys(value: string): PayloadKey[] {
  const keys: PayloadKey[] = [];
  for (const [index, entry] of value.split(',').entries()) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const separator = trimmed.indexOf(':');
    const id = trimmed.slice(0, separator);
    const key = Buffer.from(trimmed.slice(separator + 1), 'base64');
    if (separator < 1 || !KEY_ID.test(id)) {
      throw new Error(`entry ${index + 1} must be <key id>:<base64 key>, the id 1-64 of A-Z a-z 0-9 . _ -`);
    }
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes (44 base64 characters), got ${key.length}`);
    if (keys.some((k) => k.id === id)) throw new Error(`key id ${id} appears twice`);
    keys.push({ id, key });
  }
  return keys;
}

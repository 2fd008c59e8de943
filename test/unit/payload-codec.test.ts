import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY } from '../../codec/aes-gcm-codec.js';
import { parsePayloadKeys } from '../../codec/payload-keys.js';

const key = (id: string) => ({ id, key: randomBytes(32) });
const payload = defaultPayloadConverter.toPayload({ payer: { name: 'Ana Souza', document: '52998224725' } });

test('a payload encrypts to ciphertext marked with the key id and decrypts back to the same payload', async () => {
  const codec = new AesGcmPayloadCodec([key('k1')]);
  const [encrypted] = await codec.encode([payload]);
  expect(Buffer.from(encrypted!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(encrypted!.metadata![KEY_ID_METADATA_KEY]!).toString()).toBe('k1');
  expect(Buffer.from(encrypted!.data!).includes('Ana Souza')).toBe(false);
  const [decrypted] = await codec.decode([encrypted!]);
  expect(defaultPayloadConverter.fromPayload(decrypted!)).toEqual({
    payer: { name: 'Ana Souza', document: '52998224725' },
  });
});

test('after rotation the new key encrypts and the old key still decrypts what it encrypted', async () => {
  const old = key('2025');
  const [before] = await new AesGcmPayloadCodec([old]).encode([payload]);
  const rotated = new AesGcmPayloadCodec([key('2026'), old]);
  const [after] = await rotated.encode([payload]);
  expect(Buffer.from(after!.metadata![KEY_ID_METADATA_KEY]!).toString()).toBe('2026');
  expect(await rotated.decode([before!, after!])).toHaveLength(2);
});

test('a payload that is not encrypted passes through decode unchanged (histories recorded before encryption)', async () => {
  expect(await new AesGcmPayloadCodec([key('k1')]).decode([payload])).toEqual([payload]);
});

test('an unknown key id, a tampered ciphertext or a swapped key id is refused, never decoded into garbage', async () => {
  const a = key('a');
  const b = key('b');
  const [encrypted] = await new AesGcmPayloadCodec([a]).encode([payload]);
  await expect(new AesGcmPayloadCodec([b]).decode([encrypted!])).rejects.toThrow('unknown key id "a"');
  const tampered = Buffer.from(encrypted!.data!);
  tampered[20]! ^= 1;
  await expect(new AesGcmPayloadCodec([a]).decode([{ ...encrypted!, data: tampered }])).rejects.toThrow();
  const relabelled = { ...encrypted!, metadata: { ...encrypted!.metadata, [KEY_ID_METADATA_KEY]: Buffer.from('b') } };
  await expect(new AesGcmPayloadCodec([a, { id: 'b', key: a.key }]).decode([relabelled])).rejects.toThrow();
});

test('PAYLOAD_KEYS parsing names a faulty entry without echoing key material', () => {
  const good = randomBytes(32).toString('base64');
  expect(parsePayloadKeys(`k1:${good}, k0:${good}`).map((k) => k.id)).toEqual(['k1', 'k0']);
  expect(() => parsePayloadKeys('k1:c2hvcnQ=')).toThrow('key k1 must be 32 bytes (44 base64 characters), got 5');
  expect(() => parsePayloadKeys(good)).toThrow('entry 1 must be <key id>:<base64 key>');
  expect(() => parsePayloadKeys(`k1:${good},k1:${good}`)).toThrow('key id k1 appears twice');
});

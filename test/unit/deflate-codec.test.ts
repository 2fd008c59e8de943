import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../codec/aes-gcm-codec.js';
import { createDataConverter, createPayloadCodec } from '../../codec/data-converter.js';
import { DEFLATE_ENCODING, DeflatePayloadCodec, MAX_INFLATED_BYTES } from '../../codec/deflate-codec.js';

const ProtoPayload = proto.temporal.api.common.v1.Payload;
const encodingOf = (payload: Payload | undefined) => Buffer.from(payload!.metadata![METADATA_ENCODING_KEY]!).toString();
const serialisedSize = (payload: Payload | undefined) => ProtoPayload.encode(payload!).finish().length;

/** A cash-in view as the workflow returns it: JSON whose field names and values repeat. */
const view = {
  externalReference: 'order-2026-000123',
  status: 'SETTLED',
  amount: { centavos: 12_345, currency: 'BRL' },
  connectPsp: { transactionId: 'ctx_01JEXAMPLE0000000000000000', endToEndId: 'E12345678202612050000000000' },
  timeline: ['CREATED', 'PAID', 'SETTLED'].map((status, i) => ({ status, at: `2026-12-05T00:0${i}:00.000Z` })),
};
const payload = defaultPayloadConverter.toPayload(view);

test('a JSON view compresses to a smaller payload marked binary/deflate and decodes back to the same payload', async () => {
  const codec = new DeflatePayloadCodec();
  const [compressed] = await codec.encode([payload]);
  expect(encodingOf(compressed)).toBe(DEFLATE_ENCODING);
  expect(serialisedSize(compressed)).toBeLessThan(serialisedSize(payload));
  const [decoded] = await codec.decode([compressed!]);
  expect(decoded).toEqual({ metadata: payload.metadata, data: payload.data });
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(view);
});

test('a payload that compression would not shrink is written as it was', async () => {
  const small = defaultPayloadConverter.toPayload('PAID');
  const random = defaultPayloadConverter.toPayload(new Uint8Array(randomBytes(600)));
  expect(await new DeflatePayloadCodec().encode([small, random])).toEqual([small, random]);
});

test('with compression off nothing is compressed, yet compressed payloads are still read', async () => {
  const [compressed] = await new DeflatePayloadCodec().encode([payload]);
  const readOnly = new DeflatePayloadCodec({ compress: false });
  expect(await readOnly.encode([payload])).toEqual([payload]);
  expect(defaultPayloadConverter.fromPayload((await readOnly.decode([compressed!]))[0]!)).toEqual(view);
});

test('payloads it did not write pass through decode unchanged (histories recorded by 1.0.0)', async () => {
  const nullPayload = defaultPayloadConverter.toPayload(undefined);
  expect(await new DeflatePayloadCodec().decode([payload, nullPayload])).toEqual([payload, nullPayload]);
});

test('a payload that would inflate past the limit or is corrupt is refused, not inflated', async () => {
  const codec = new DeflatePayloadCodec();
  const marked = (data: Uint8Array): Payload => ({
    metadata: { [METADATA_ENCODING_KEY]: Buffer.from(DEFLATE_ENCODING) },
    data,
  });
  // About 5 KB that would inflate to 5 MB of zeros.
  const bomb = deflateRawSync(Buffer.alloc(MAX_INFLATED_BYTES + 1024 * 1024));
  expect(bomb.length).toBeLessThan(10_000);
  await expect(codec.decode([marked(bomb)])).rejects.toThrow(`inflates past ${MAX_INFLATED_BYTES} bytes`);
  await expect(codec.decode([marked(Buffer.from('not deflate at all'))])).rejects.toThrow('corrupt');
});

describe('the shared data converter', () => {
  const keys = [{ id: 'k1', key: randomBytes(32) }];

  test('compresses before it encrypts, and decodes in reverse order', async () => {
    const [written] = await createPayloadCodec(keys)!.encode([payload]);
    expect(encodingOf(written)).toBe(ENCRYPTED_ENCODING);
    const [decrypted] = await new AesGcmPayloadCodec(keys).decode([written!]);
    expect(encodingOf(decrypted)).toBe(DEFLATE_ENCODING);
    expect(await createPayloadCodec(keys)!.decode([written!])).toEqual([
      { metadata: payload.metadata, data: payload.data },
    ]);
  });

  test('the worker and the codec endpoint chain the same codecs, so each reads what the other wrote', async () => {
    const converter = createDataConverter(keys);
    expect(converter.payloadCodecs?.map((codec) => codec.constructor)).toEqual([
      DeflatePayloadCodec,
      AesGcmPayloadCodec,
    ]);
    let written = [payload];
    for (const codec of converter.payloadCodecs!) written = await codec.encode(written);
    expect(await createPayloadCodec(keys)!.decode(written)).toEqual([
      { metadata: payload.metadata, data: payload.data },
    ]);
  });

  test('with compression off it writes encrypted JSON that 1.0.0 can read', async () => {
    const [written] = await createPayloadCodec(keys, { compress: false })!.encode([payload]);
    const [decrypted] = await new AesGcmPayloadCodec(keys).decode([written!]);
    expect(decrypted).toEqual({ metadata: payload.metadata, data: payload.data });
  });

  test('without keys payloads stay plain JSON: no codec at all', () => {
    expect(createDataConverter([])).toEqual({});
    expect(createPayloadCodec([])).toBeUndefined();
  });
});

import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec } from './aes-gcm-codec.js';
import { DeflatePayloadCodec } from './deflate-codec.js';
import type { PayloadKey } from './payload-keys.js';

export interface PayloadCodecOptions {
  /** Write compressed payloads (`PAYLOAD_COMPRESSION`); compressed payloads are read either way. @default true */
  compress?: boolean;
}

/**
 * The one data converter of every Temporal client and worker in the project (API, worker, replay, tests), so
 * they all read what the others wrote. Payloads are compressed, then encrypted (the SDK encodes through the codecs
 * in order and decodes in reverse): ciphertext does not compress. Without keys, payloads stay plain JSON that the
 * Web UI shows as is (development without `npm start`), so they are not compressed either.
 */
export function createDataConverter(keys: readonly PayloadKey[], options: PayloadCodecOptions = {}): DataConverter {
  return keys.length === 0 ? {} : { payloadCodecs: payloadCodecs(keys, options) };
}

/** The codecs chained as one, for the codec endpoint; undefined when payloads are not encrypted. */
export function createPayloadCodec(
  keys: readonly PayloadKey[],
  options: PayloadCodecOptions = {},
): PayloadCodec | undefined {
  if (keys.length === 0) return undefined;
  const codecs = payloadCodecs(keys, options);
  return {
    async encode(payloads: Payload[]) {
      for (const codec of codecs) payloads = await codec.encode(payloads);
      return payloads;
    },
    async decode(payloads: Payload[]) {
      for (const codec of codecs.toReversed()) payloads = await codec.decode(payloads);
      return payloads;
    },
  };
}

function payloadCodecs(keys: readonly PayloadKey[], options: PayloadCodecOptions): PayloadCodec[] {
  return [new DeflatePayloadCodec({ compress: options.compress }), new AesGcmPayloadCodec(keys)];
}

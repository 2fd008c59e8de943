import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec } from './aes-gcm-codec.js';
import type { PayloadKey } from './payload-keys.js';

/**
 * The one data converter of every Temporal client and worker in the project (API, worker, replay, tests), so
 * they all read what the others wrote. Without keys, payloads stay plain JSON (development without `npm start`).
 */
export function createDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return keys.length === 0 ? {} : { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}

/** The codec alone, for the codec endpoint; undefined when payloads are not encrypted. */
export function createPayloadCodec(keys: readonly PayloadKey[]): PayloadCodec | undefined {
  return keys.length === 0 ? undefined : new AesGcmPayloadCodec(keys);
}

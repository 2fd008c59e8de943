import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
// A CommonJS package whose named exports Node's ESM loader cannot see: take the namespace from its default export.
import proto from '@temporalio/proto';

export const DEFLATE_ENCODING = 'binary/deflate';

/**
 * Temporal refuses payloads over 2 MB by default (4 MB at most when raised): no payload we wrote inflates past this,
 * so a larger one is a decompression bomb, refused before it fills the memory.
 */
export const MAX_INFLATED_BYTES = 4 * 1024 * 1024;

const ProtoPayload = proto.temporal.api.common.v1.Payload;

/**
 * What a compressed payload costs beyond its deflated bytes: its encoding metadata and the framing of its data
 * field (a tag and a length of at most 4 bytes below 4 MiB, counted as the most).
 */
const ENVELOPE_BYTES =
  ProtoPayload.encode({ metadata: { [METADATA_ENCODING_KEY]: Buffer.from(DEFLATE_ENCODING, 'utf8') } }).finish()
    .length + 5;

export interface DeflateCodecOptions {
  /**
   * Write compressed payloads. Off, the codec only reads them: a rollout keeps a way back to a release that cannot
   * read them. @default true
   */
  compress?: boolean;
}

/**
 * Compresses whole payloads (data and metadata, serialised as the Payload proto) with raw deflate, before they are
 * encrypted: our JSON views shrink by a fifth to a half, and a happy cash-in's history by about 1 KB. A payload is
 * compressed only when that makes it smaller. Payloads it did not write pass through `decode` unchanged, so
 * histories recorded before compression still replay.
 */
export class DeflatePayloadCodec implements PayloadCodec {
  private readonly compress: boolean;

  constructor(options: DeflateCodecOptions = {}) {
    this.compress = options.compress ?? true;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return this.compress ? payloads.map(deflate) : payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isDeflated(payload) ? inflate(payload) : payload));
  }
}

function deflate(payload: Payload): Payload {
  const serialised = ProtoPayload.encode(payload).finish();
  const deflated = deflateRawSync(serialised);
  if (deflated.length + ENVELOPE_BYTES >= serialised.length) return payload;
  return { metadata: { [METADATA_ENCODING_KEY]: Buffer.from(DEFLATE_ENCODING, 'utf8') }, data: deflated };
}

function inflate(payload: Payload): Payload {
  let serialised: Buffer;
  try {
    serialised = inflateRawSync(payload.data ?? new Uint8Array(), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new ValueError(
      tooLarge ? `Compressed payload inflates past ${MAX_INFLATED_BYTES} bytes` : 'Compressed payload is corrupt',
    );
  }
  const { metadata, data } = ProtoPayload.decode(serialised);
  return { metadata, data };
}

export function isDeflated(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && Buffer.from(encoding).toString('utf8') === DEFLATE_ENCODING;
}

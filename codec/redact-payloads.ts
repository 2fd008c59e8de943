import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { redact, REDACTED } from '../connectpsp/redact.js';

const JSON_ENCODING = 'json/plain';
const NULL_ENCODING = 'binary/null';

/**
 * Decoded payloads with personal data masked, for an operator who may read payments but not their personal data:
 * JSON payloads keep every field (status, amounts, references, timeline) except names, documents, PIX keys and
 * bank accounts, masked by the same rules as the logs (connectpsp/redact.ts). Any other encoding (binary,
 * protobuf) cannot be inspected field by field, so it is masked whole.
 */
export function redactPayloads(payloads: Payload[]): Payload[] {
  return payloads.map((payload) => {
    const encoding = encodingOf(payload);
    if (encoding === NULL_ENCODING) return payload;
    let value: unknown = REDACTED;
    if (encoding === JSON_ENCODING) {
      try {
        value = redact(JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')));
      } catch {
        value = REDACTED;
      }
    }
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(JSON_ENCODING, 'utf8') },
      data: Buffer.from(JSON.stringify(value), 'utf8'),
    };
  });
}

function encodingOf(payload: Payload): string | undefined {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding === undefined ? undefined : Buffer.from(encoding).toString('utf8');
}

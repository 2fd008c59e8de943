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
        const decoded: unknown = JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8'));
        if (isWorkflowMetadata(decoded)) return payload;
        value = redact(decoded);
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

/**
 * The SDK's answer to the UI's `__temporal_workflow_metadata` query: handler names and descriptions from our code,
 * no data. Masking its `name` fields would leave the UI with duplicate keys it cannot render.
 */
function isWorkflowMetadata(value: unknown): boolean {
  const definition = (value as { definition?: { type?: unknown; queryDefinitions?: unknown } } | null)?.definition;
  return typeof definition?.type === 'string' && Array.isArray(definition.queryDefinitions);
}

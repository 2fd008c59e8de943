import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { EventFilter } from '../schemas/events.js';
import { CURSOR_PATTERN, invalidCursor } from '../visibility/page-cursor.js';

const MAC_BYTES = 16;

/** Where the next page starts: Temporal's page token of the page it is in, and how many of its events were read. */
export interface EventPosition {
  token: Uint8Array | undefined;
  skip: number;
}

const payloadSchema = z.strictObject({
  filter: z.string(),
  token: z.string(),
  skip: z.int().min(0),
});

/**
 * The events list's cursor: the same `v1.<payload>.<mac>` shape as the payment lists' (`page-cursor.ts`), keyed
 * from the callback secret with its own label. A page of workflows can hold more events than a page of the list,
 * so the cursor also says how many events of that page were already returned.
 */
export class EventCursors {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'pix-agent events cursor v1', 32));
  }

  encode(filter: EventFilter, position: EventPosition): string {
    const payload = Buffer.from(
      JSON.stringify({
        filter: filterKey(filter),
        token: Buffer.from(position.token ?? new Uint8Array()).toString('base64url'),
        skip: position.skip,
      }),
    ).toString('base64url');
    return `v1.${payload}.${this.mac(payload).toString('base64url')}`;
  }

  decode(filter: EventFilter, cursor: string): EventPosition {
    if (!CURSOR_PATTERN.test(cursor)) throw invalidCursor('is not a cursor this API returned');
    const [, payload = '', mac = ''] = cursor.split('.');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, this.mac(payload))) {
      throw invalidCursor('is not a cursor this API returned');
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor('is not a cursor this API returned');
    }
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) throw invalidCursor('is not a cursor this API returned');
    if (parsed.data.filter !== filterKey(filter)) {
      throw invalidCursor('belongs to another list: pass the same filters as the page it came from');
    }
    const token = Buffer.from(parsed.data.token, 'base64url');
    return { token: token.length > 0 ? token : undefined, skip: parsed.data.skip };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

function filterKey(filter: EventFilter): string {
  return JSON.stringify([filter.type ?? null, filter.externalReference ?? null, filter.delivery ?? null]);
}

import { z } from 'zod';
import type { EventFilter } from '../schemas/events.js';
import { invalidCursor, SignedCursors } from '../visibility/signed-cursor.js';

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
 * The events list's cursor, sealed like the payment lists' with its own label. A page of workflows can hold more
 * events than a page of the list, so the cursor also says how many events of that page were already returned.
 */
export class EventCursors {
  private readonly cursors: SignedCursors;

  constructor(secret: string) {
    this.cursors = new SignedCursors(secret, 'pix-agent events cursor v1');
  }

  encode(filter: EventFilter, position: EventPosition): string {
    return this.cursors.seal({
      filter: filterKey(filter),
      token: Buffer.from(position.token ?? new Uint8Array()).toString('base64url'),
      skip: position.skip,
    });
  }

  decode(filter: EventFilter, cursor: string): EventPosition {
    const parsed = payloadSchema.safeParse(this.cursors.open(cursor));
    if (!parsed.success) throw invalidCursor('is not a cursor this API returned');
    if (parsed.data.filter !== filterKey(filter)) {
      throw invalidCursor('belongs to another list: pass the same filters as the page it came from');
    }
    const token = Buffer.from(parsed.data.token, 'base64url');
    return { token: token.length > 0 ? token : undefined, skip: parsed.data.skip };
  }
}

function filterKey(filter: EventFilter): string {
  return JSON.stringify([filter.type ?? null, filter.externalReference ?? null, filter.delivery ?? null]);
}

import { z } from 'zod';
import { invalidCursor, SignedCursors } from './signed-cursor.js';

/** What a cursor is bound to: the list it came from. A cursor of another list is refused, not reinterpreted. */
export interface CursorScope {
  kind: 'CASH_IN' | 'CASH_OUT';
  status?: string;
}

const payloadSchema = z.strictObject({
  kind: z.enum(['CASH_IN', 'CASH_OUT']),
  status: z.string().nullable(),
  token: z.string().min(1),
});

/**
 * The payment lists' cursor: Temporal's page token, sealed. Temporal answers a token it cannot parse with a
 * retryable UNKNOWN, which the client retries for about 20 s before giving up, so the API checks it first.
 */
export class PageCursors {
  private readonly cursors: SignedCursors;

  constructor(secret: string) {
    this.cursors = new SignedCursors(secret, 'pix-agent list cursor v1');
  }

  encode(scope: CursorScope, token: Uint8Array): string {
    return this.cursors.seal({
      kind: scope.kind,
      status: scope.status ?? null,
      token: Buffer.from(token).toString('base64url'),
    });
  }

  /** Temporal's page token of a cursor minted for this very list, or a 400 naming `cursor`. */
  decode(scope: CursorScope, cursor: string): Uint8Array {
    const parsed = payloadSchema.safeParse(this.cursors.open(cursor));
    if (!parsed.success) throw invalidCursor('is not a cursor this API returned');
    if (parsed.data.kind !== scope.kind || parsed.data.status !== (scope.status ?? null)) {
      throw invalidCursor('belongs to another list: pass the same status filter as the page it came from');
    }
    return Buffer.from(parsed.data.token, 'base64url');
  }
}

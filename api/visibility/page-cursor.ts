import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from '../problem.js';

/** What a cursor is bound to: the list it came from. A cursor of another list is refused, not reinterpreted. */
export interface CursorScope {
  kind: 'CASH_IN' | 'CASH_OUT';
  status?: string;
}

/** `v1.<payload>.<mac>`, base64url: the only shape of cursor the API mints (documented as the parameter's pattern). */
export const CURSOR_PATTERN = /^v1\.[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{22}$/;
const MAC_BYTES = 16;

const payloadSchema = z.strictObject({
  kind: z.enum(['CASH_IN', 'CASH_OUT']),
  status: z.string().nullable(),
  token: z.string().min(1),
});

/**
 * Temporal's page token wrapped so that the API checks a cursor itself, in microseconds: Temporal answers a
 * token it cannot parse with a retryable UNKNOWN, which the client retries for about 20 s before giving up.
 * The MAC is keyed from the callback secret (HKDF with its own label), so only cursors this deployment minted
 * ever reach Temporal; rotating that secret makes outstanding cursors invalid (a 400: start from the first page).
 */
export class PageCursors {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'pix-agent list cursor v1', 32));
  }

  encode(scope: CursorScope, token: Uint8Array): string {
    const payload = Buffer.from(
      JSON.stringify({
        kind: scope.kind,
        status: scope.status ?? null,
        token: Buffer.from(token).toString('base64url'),
      }),
    ).toString('base64url');
    return `v1.${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** Temporal's page token of a cursor minted for this very list, or a 400 naming `cursor`. */
  decode(scope: CursorScope, cursor: string): Uint8Array {
    if (!CURSOR_PATTERN.test(cursor)) throw invalidCursor('is not a cursor this API returned');
    const [, payload = '', mac = ''] = cursor.split('.');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, this.mac(payload))) {
      throw invalidCursor('is not a cursor this API returned');
    }
    const parsed = payloadSchema.safeParse(safeJson(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) throw invalidCursor('is not a cursor this API returned');
    if (parsed.data.kind !== scope.kind || parsed.data.status !== (scope.status ?? null)) {
      throw invalidCursor('belongs to another list: pass the same status filter as the page it came from');
    }
    return Buffer.from(parsed.data.token, 'base64url');
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

export function invalidCursor(message: string) {
  return badRequest('The query has 1 invalid field(s): cursor', [{ field: 'cursor', message }]);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

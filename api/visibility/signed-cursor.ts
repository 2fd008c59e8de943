import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../problem.js';

/** `v1.<payload>.<mac>`, base64url: the only shape of cursor the API mints (documented as the parameter's pattern). */
export const CURSOR_PATTERN = /^v1\.[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{22}$/;
const MAC_BYTES = 16;

/**
 * A list's position sealed so that the API checks a cursor itself, in microseconds, before anything reaches
 * Temporal. The MAC is keyed from the callback secret (HKDF with the list's own label), so only cursors this
 * deployment minted for that list are read; rotating the secret makes outstanding cursors invalid (a 400: start
 * from the first page).
 */
export class SignedCursors {
  private readonly key: Buffer;

  constructor(secret: string, label: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, '', label, 32));
  }

  seal(position: unknown): string {
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `v1.${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The position a cursor of this list holds (still to be validated by the list), or a 400 naming `cursor`. */
  open(cursor: string): unknown {
    if (!CURSOR_PATTERN.test(cursor)) throw invalidCursor('is not a cursor this API returned');
    const [, payload = '', mac = ''] = cursor.split('.');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, this.mac(payload))) {
      throw invalidCursor('is not a cursor this API returned');
    }
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor('is not a cursor this API returned');
    }
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

export function invalidCursor(message: string) {
  return badRequest('The query has 1 invalid field(s): cursor', [{ field: 'cursor', message }]);
}

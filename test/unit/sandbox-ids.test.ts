import { END_TO_END_ID_PATTERN } from '../../connectpsp/schemas/index.js';
import {
  cashInInternalCode,
  cashInTransactionId,
  cashOutInternalCode,
  cashOutTransactionId,
  endToEndId,
} from '../../sandbox/ids.js';
import { brasiliaTimestamp, utcTimestamp } from '../../sandbox/timestamps.js';

describe('sandbox identifiers and timestamps', () => {
  test('ids have the shapes of the documentation examples and do not repeat', () => {
    const txids = new Set(Array.from({ length: 1000 }, cashInTransactionId));
    expect(txids.size).toBe(1000);
    for (const txid of txids) expect(txid).toMatch(/^[a-z0-9]{35}$/);
    expect(cashInInternalCode()).toMatch(/^[A-Z0-9]{7}$/);
    expect(cashOutInternalCode()).toMatch(/^[A-Z]{10}$/);
    expect(cashOutTransactionId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('an end-to-end id is the prefix, the ISPB, the UTC minute and 11 alphanumerics', () => {
    const at = Date.UTC(2026, 2, 10, 18, 27, 59);
    const id = endToEndId('E', '00416968', at);
    expect(id).toHaveLength(32);
    expect(id).toMatch(END_TO_END_ID_PATTERN);
    expect(id.slice(0, 21)).toBe('E00416968202603101827');
    expect(endToEndId('D', '13935893', at).startsWith('D13935893')).toBe(true);
  });

  test('transaction times are in Brasília with -03:00 and envelope times in UTC with Z, at whole seconds', () => {
    const at = Date.UTC(2026, 2, 10, 14, 20, 0, 456);
    expect(brasiliaTimestamp(at)).toBe('2026-03-10T11:20:00-03:00');
    expect(utcTimestamp(at)).toBe('2026-03-10T14:20:00Z');
  });
});

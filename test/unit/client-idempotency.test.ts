import { validate, version } from 'uuid';
import { idempotencyKey } from '../../connectpsp/idempotency.js';

describe('idempotencyKey', () => {
  test('the same workflow and operation always give the same UUID v5', () => {
    const key = idempotencyKey('cash-in:order-1', 'create-cash-in');
    expect(idempotencyKey('cash-in:order-1', 'create-cash-in')).toBe(key);
    expect(validate(key)).toBe(true);
    expect(version(key)).toBe(5);
  });

  test('a different workflow or operation gives a different key', () => {
    const key = idempotencyKey('cash-in:order-1', 'create-cash-in');
    expect(idempotencyKey('cash-in:order-2', 'create-cash-in')).not.toBe(key);
    expect(idempotencyKey('cash-in:order-1', 'refund')).not.toBe(key);
  });

  test('separators inside the parts cannot make two pairs collide', () => {
    expect(idempotencyKey('a:b', 'c')).not.toBe(idempotencyKey('a', 'b:c'));
  });

  test('an empty workflow id or operation is refused', () => {
    expect(() => idempotencyKey('', 'create-cash-in')).toThrow(TypeError);
    expect(() => idempotencyKey('cash-in:order-1', '')).toThrow(TypeError);
  });
});

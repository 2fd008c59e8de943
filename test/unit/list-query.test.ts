import { listQuerySchema } from '../../api/schemas/cash-in.js';

test('the page limit takes plain decimal digits from 1 to 100 and defaults to 20', () => {
  expect(listQuerySchema.parse({}).limit).toBe(20);
  expect(listQuerySchema.parse({ limit: '16' }).limit).toBe(16);
  for (const limit of ['0x10', '1e2', '0', '101', '-1', ' 5', '2.5']) {
    expect(listQuerySchema.safeParse({ limit }).success).toBe(false);
  }
});

test('a limit that is not an integer is refused naming the field', () => {
  const result = listQuerySchema.safeParse({ limit: 'abc' });
  expect(result.error?.issues).toEqual([
    expect.objectContaining({ path: ['limit'], message: 'must be an integer from 1 to 100' }),
  ]);
  // `limit=5&limit=6` reaches the validator as an array: refused too, not read as either.
  expect(listQuerySchema.safeParse({ limit: ['5', '6'] }).success).toBe(false);
});

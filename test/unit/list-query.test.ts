import { listQuerySchema } from '../../api/schemas/cash-in.js';

test('the page limit takes plain decimal digits from 1 to 100 and defaults to 20', () => {
  expect(listQuerySchema.parse({}).limit).toBe(20);
  expect(listQuerySchema.parse({ limit: '16' }).limit).toBe(16);
  for (const limit of ['0x10', '1e2', '0', '101', '-1', ' 5', '2.5']) {
    expect(listQuerySchema.safeParse({ limit }).success).toBe(false);
  }
});

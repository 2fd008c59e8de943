import { z } from 'zod';
import { jsonSchema } from '../../api/openapi/document.js';
import { queryBoolean, queryInteger } from '../../api/schemas/query-values.js';

test('a query integer reads decimal digits and is documented as the integer it means', () => {
  const schema = queryInteger(z.number().int().min(-3).max(3));
  expect(jsonSchema(schema, 'input')).toEqual({ type: 'integer', minimum: -3, maximum: 3 });
  expect(['-3', '0', '3', '03'].map((text) => schema.parse(text))).toEqual([-3, 0, 3, 3]);
  for (const text of ['4', '1.5', '1e0', '0x1', '', ' 1', 'one', '9'.repeat(16)]) {
    expect({ text, accepted: schema.safeParse(text).success }).toEqual({ text, accepted: false });
  }
});

test('a query boolean reads exactly `true` and `false` and is documented as a boolean', () => {
  const schema = queryBoolean(z.boolean().optional());
  expect(jsonSchema(schema, 'input')).toEqual({ type: 'boolean' });
  expect([schema.parse('true'), schema.parse('false'), schema.parse(undefined)]).toEqual([true, false, undefined]);
  for (const text of ['1', '0', 'TRUE', 'yes', '']) {
    expect({ text, accepted: schema.safeParse(text).success }).toEqual({ text, accepted: false });
  }
});

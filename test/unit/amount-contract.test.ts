import fc from 'fast-check';
import { amountPattern, amountSchema } from '../../api/schemas/money.js';
import { pageLimitSchema } from '../../api/schemas/fields.js';
import { jsonSchema } from '../../api/openapi/document.js';

// The OpenAPI document states the amount's bounds as a pattern; the validator computes them. They must agree.
const decimalText = fc.oneof(
  fc.stringMatching(/^\d{1,8}(\.\d{0,3})?$/),
  fc.nat({ max: 100_000_000 }).map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`),
  fc.constantFrom('0', '0.0', '0.00', '0.01', '00.5', '010', '99999.99', '100000', '100000.00', '100000.01'),
);

test.each([
  [10_000_000, false],
  [10_000_000, true],
  [4_567_800, false],
  [100, false],
  [1_000_000_000_000, true],
])(
  'the documented pattern of amounts up to %i centavos (zero allowed: %s) is what the validator accepts',
  (max, allowZero) => {
    const pattern = new RegExp(amountPattern(max, allowZero));
    const schema = amountSchema(max, { allowZero });
    fc.assert(
      fc.property(decimalText, (text) => {
        expect({ text, documented: pattern.test(text) }).toEqual({ text, documented: schema.safeParse(text).success });
      }),
      { numRuns: 2_000 },
    );
  },
);

test('the documented amount carries its bounds for numbers too', () => {
  expect(jsonSchema(amountSchema(10_000_000), 'input')).toMatchObject({
    anyOf: [{ type: 'number', exclusiveMinimum: 0, maximum: 100_000, multipleOf: 0.01 }, { type: 'string' }],
  });
});

test('the documented page limit is an integer whose bounds are exactly what the validator accepts', () => {
  const documented = jsonSchema(pageLimitSchema, 'input') as { type: string; minimum: number; maximum: number };
  expect(documented).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
  for (let n = -5; n <= 1005; n++) {
    const inBounds = n >= documented.minimum && n <= documented.maximum;
    expect({ n, accepted: pageLimitSchema.safeParse(String(n)).success }).toEqual({ n, accepted: inBounds });
  }
  // Only decimal digits spell an integer in a query string.
  for (const text of ['0x10', '1e1', ' 5', '5 ', '+5', '2.5', '5.0', '', 'abc', 'true']) {
    expect({ text, accepted: pageLimitSchema.safeParse(text).success }).toEqual({ text, accepted: false });
  }
});

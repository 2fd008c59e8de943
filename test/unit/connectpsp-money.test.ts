import fc from 'fast-check';
import { brlToCentavos, centavosToBrl, formatBrl, isBrlAmount, MoneyError } from '../../connectpsp/money.js';

describe('BRL wire amounts and centavos', () => {
  test('wire amounts from the contract convert to exact centavos', () => {
    expect(brlToCentavos(150.5)).toBe(15050);
    expect(brlToCentavos(10.0)).toBe(1000);
    expect(brlToCentavos(500)).toBe(50000);
    expect(brlToCentavos(1500000)).toBe(150000000);
    expect(brlToCentavos(JSON.parse('150.50') as number)).toBe(15050);
  });

  test('amounts that multiplication by 100 gets wrong convert exactly', () => {
    expect(0.29 * 100).not.toBe(29);
    expect(brlToCentavos(0.29)).toBe(29);
    expect(brlToCentavos(4.35)).toBe(435);
    expect(brlToCentavos(0.07)).toBe(7);
  });

  test('amounts with more than two decimals, or that are not finite, are rejected', () => {
    for (const bad of [0.001, 10.123, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 0.1 + 0.2]) {
      expect(isBrlAmount(bad)).toBe(false);
      expect(() => brlToCentavos(bad)).toThrow(MoneyError);
    }
  });

  test('negative amounts and zero convert without a signed zero', () => {
    expect(brlToCentavos(-12.34)).toBe(-1234);
    expect(Object.is(brlToCentavos(-0), 0)).toBe(true);
  });

  test('centavos format with exactly two decimals and convert back to the wire number', () => {
    expect(formatBrl(50000)).toBe('500.00');
    expect(formatBrl(5)).toBe('0.05');
    expect(formatBrl(-1234)).toBe('-12.34');
    expect(centavosToBrl(15050)).toBe(150.5);
    expect(JSON.stringify({ amount: centavosToBrl(1000) })).toBe('{"amount":10}');
    expect(() => centavosToBrl(1.5)).toThrow(MoneyError);
  });

  test('every safe centavo count survives the round trip through the wire and JSON', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (centavos) => {
        const wire = JSON.parse(JSON.stringify(centavosToBrl(centavos))) as number;
        return brlToCentavos(wire) === centavos;
      }),
      { numRuns: 5000 },
    );
  });
});

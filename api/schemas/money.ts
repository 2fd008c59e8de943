import { z } from 'zod';
import { brlToCentavos, formatBrl, isBrlAmount } from '../../connectpsp/money.js';

/** Decimal text without leading zeros (`0.5`, `10.50`; not `010`), at most 2 decimals. */
const DECIMAL_TEXT = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;

/**
 * A BRL amount as services send it (a JSON number `10.5` or a string `"10.50"`, > 0, at most 2 decimals),
 * turned into integer centavos without float arithmetic. `allowZero` admits 0 (a rebalance target may be empty).
 * Its JSON Schema states the same bounds (see {@link amountJsonSchema}); a unit test holds the two together.
 */
export function amountSchema(maxCentavos: number, { allowZero = false }: { allowZero?: boolean } = {}) {
  return z
    .union([z.number(), z.string()], { error: 'must be a number or a decimal string' })
    .meta(amountJsonSchema(maxCentavos, allowZero))
    .transform((value, ctx) => {
      const centavos = toCentavos(value);
      if (centavos === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a BRL amount with at most 2 decimal places' });
        return z.NEVER;
      }
      if (centavos < 0 || (centavos === 0 && !allowZero)) {
        ctx.addIssue({ code: 'custom', message: allowZero ? 'must be 0 or more' : 'must be greater than 0' });
        return z.NEVER;
      }
      if (centavos > maxCentavos) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${formatBrl(maxCentavos)}` });
        return z.NEVER;
      }
      return centavos;
    });
}

function toCentavos(value: number | string): number | undefined {
  if (typeof value === 'number') return isBrlAmount(value) ? brlToCentavos(value) : undefined;
  if (!DECIMAL_TEXT.test(value)) return undefined;
  const [whole = '', fraction = ''] = value.split('.');
  return Number(whole + fraction.padEnd(2, '0'));
}

/** The amount's constraints as JSON Schema: a number, or decimal text matched by a pattern with the same bounds. */
export function amountJsonSchema(maxCentavos: number, allowZero: boolean) {
  return {
    description: `BRL, ${allowZero ? '0 or more' : 'more than 0'}, at most ${formatBrl(maxCentavos)}, at most 2 decimals`,
    anyOf: [
      {
        type: 'number',
        ...(allowZero ? { minimum: 0 } : { exclusiveMinimum: 0 }),
        maximum: maxCentavos / 100,
        multipleOf: 0.01,
      },
      { type: 'string', pattern: amountPattern(maxCentavos, allowZero) },
    ],
  };
}

/** Decimal text from 0 (or 0.01) to the largest amount whose whole part is at most `maxCentavos / 100`. */
export function amountPattern(maxCentavos: number, allowZero: boolean): string {
  const whole = String(Math.floor(maxCentavos / 100));
  const cents = '(\\.\\d{1,2})?';
  const below: string[] = [allowZero ? `0${cents}` : '0\\.(0[1-9]|[1-9]\\d?)'];
  if (whole.length > 1) below.push(`[1-9]\\d{0,${whole.length - 2}}${cents}`);
  for (let i = 0; i < whole.length; i++) {
    const low = i === 0 ? 1 : 0;
    const digit = Number(whole[i]);
    if (digit <= low) continue;
    const rest = whole.length - i - 1;
    below.push(`${whole.slice(0, i)}[${low}-${digit - 1}]${rest > 0 ? `\\d{${rest}}` : ''}${cents}`);
  }
  const atMost = maxCentavos % 100 === 0 ? `${whole}(\\.00?)?` : whole;
  return `^(${[...below, atMost].join('|')})$`;
}

/** Our API's money format in responses: a decimal string with two places, never a float. */
export function formatAmount(centavos: number): string {
  return formatBrl(centavos);
}

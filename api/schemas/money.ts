import { z } from 'zod';
import { brlToCentavos, formatBrl, isBrlAmount } from '../../connectpsp/money.js';

const DECIMAL_TEXT = /^\d{1,13}(\.\d{1,2})?$/;

/**
 * A BRL amount as services send it (a JSON number `10.5` or a string `"10.50"`, > 0, at most 2 decimals),
 * turned into integer centavos without float arithmetic. `allowZero` admits 0 (a rebalance target may be empty).
 */
export function amountSchema(maxCentavos: number, { allowZero = false }: { allowZero?: boolean } = {}) {
  return z
    .union([z.number(), z.string()], { error: 'must be a number or a decimal string' })
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

/** Our API's money format in responses: a decimal string with two places, never a float. */
export function formatAmount(centavos: number): string {
  return formatBrl(centavos);
}

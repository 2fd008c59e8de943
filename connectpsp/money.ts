/**
 * ConnectPSP puts money on the wire as a JSON number of reais (`150.5`, `10.00`, `500`); everything inside this
 * project is an integer number of centavos. Conversion goes through the decimal text of the number, never through
 * multiplication, because `0.29 * 100` is `28.999999999999996` in binary floating point.
 */

// `String(n)` gives the shortest text that reads back as the same double, i.e. what the JSON said, so a wire
// value with at most two decimals always prints as plain digits with at most two fraction digits.
const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** Error thrown when a wire amount cannot be represented exactly in centavos. */
export class MoneyError extends RangeError {
  override name = 'MoneyError';
}

/** True when `amount` is a finite BRL wire amount with at most two decimal places that fits in centavos exactly. */
export function isBrlAmount(amount: number): boolean {
  return toCentavosOrUndefined(amount) !== undefined;
}

/**
 * Converts a BRL wire amount (`150.5`) to integer centavos (`15050`).
 *
 * @throws {@link MoneyError} when the amount is not finite, has more than two decimal places, or does not fit.
 */
export function brlToCentavos(amount: number): number {
  const centavos = toCentavosOrUndefined(amount);
  if (centavos === undefined) {
    throw new MoneyError(`Not an exact BRL amount with at most 2 decimal places: ${String(amount)}`);
  }
  return centavos;
}

/**
 * Converts integer centavos (`15050`) to the BRL wire number (`150.5`), which `JSON.stringify` prints exactly.
 *
 * @throws {@link MoneyError} when `centavos` is not a safe integer.
 */
export function centavosToBrl(centavos: number): number {
  return Number(formatBrl(centavos));
}

/**
 * Formats integer centavos as a BRL decimal with exactly two places (`15050` → `"150.50"`), as in problem details.
 *
 * @throws {@link MoneyError} when `centavos` is not a safe integer.
 */
export function formatBrl(centavos: number): string {
  if (!Number.isSafeInteger(centavos)) {
    throw new MoneyError(`Centavos must be a safe integer: ${String(centavos)}`);
  }
  const sign = centavos < 0 ? '-' : '';
  const digits = String(Math.abs(centavos)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function toCentavosOrUndefined(amount: number): number | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  const match = PLAIN_DECIMAL.exec(String(amount));
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  const centavos = Number(whole + fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(centavos)) return undefined;
  // `-0` would otherwise leak out of `Number('-0')`-like paths; a zero amount has no sign.
  return sign === '-' && centavos !== 0 ? -centavos : centavos;
}

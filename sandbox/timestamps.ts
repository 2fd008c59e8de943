/**
 * The two timestamp formats of the contract: transactions use Brasília time with a `-03:00` offset
 * (`2026-03-10T11:20:00-03:00`), while webhook envelopes, tokens and balances use UTC with `Z`. Both at whole seconds,
 * as in the documentation's examples. Brazil has had no daylight saving time since 2019, so the offset is fixed.
 */

const BRASILIA_OFFSET_MS = 3 * 60 * 60 * 1000;

export function brasiliaTimestamp(ms: number): string {
  return new Date(ms - BRASILIA_OFFSET_MS).toISOString().slice(0, 19) + '-03:00';
}

export function utcTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

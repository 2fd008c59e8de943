import { z } from 'zod';
import { isBrlAmount } from '../money.js';

/**
 * Field formats shared by several ConnectPSP bodies. Request schemas check them strictly (the sandbox answers
 * 400 VALIDATION_ERROR when they fail); response schemas reuse only the ones the contract states as facts.
 */

/** BACEN end-to-end id: `E` (settled) or `D` (devolution) + 8-digit ISPB + `yyyyMMddHHmm` + 11 alphanumerics. */
export const END_TO_END_ID_PATTERN = /^[ED]\d{8}\d{12}[A-Za-z0-9]{11}$/;
/**
 * CPF has 11 digits; CNPJ has 14 characters. The contract (March 2026) says digits only, but from July 2026 the
 * Receita Federal issues alphanumeric CNPJs (12 of 0-9A-Z, then 2 check digits), which every PSP must accept.
 */
export const DOCUMENT_PATTERN = /^(\d{11}|[0-9A-Z]{12}\d{2})$/;
/** 8-digit ISPB of a Brazilian payment institution. */
export const ISPB_PATTERN = /^\d{8}$/;

/** A BRL amount in a request: a JSON number > 0 with at most two decimal places. */
export const PositiveBrlAmountSchema = z
  .number()
  .positive()
  .refine(isBrlAmount, { message: 'must have at most 2 decimal places' });

/** A BRL amount that may be zero (rebalance target). */
export const NonNegativeBrlAmountSchema = z
  .number()
  .nonnegative()
  .refine(isBrlAmount, { message: 'must have at most 2 decimal places' });

/** A BRL amount in a response: any exact wire amount, so balances may be zero. */
export const BrlAmountSchema = z.number().refine(isBrlAmount, { message: 'must have at most 2 decimal places' });

export const DocumentSchema = z.string().regex(DOCUMENT_PATTERN, 'must be a CPF (11 digits) or CNPJ (14 characters)');
export const IspbSchema = z.string().regex(ISPB_PATTERN, 'must be 8 digits');

/** ISO 8601 timestamp with `Z` or an offset: transactions use `-03:00`, envelopes and tokens use `Z`. */
export const TimestampSchema = z.iso.datetime({ offset: true });
/** `YYYY-MM-DD`, as in the balance's `referenceDate`. */
export const DateSchema = z.iso.date();

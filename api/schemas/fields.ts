import { z } from 'zod';
import { isValidDocument, stripDocumentPunctuation } from '../validation/documents.js';
import { CURSOR_PATTERN } from '../visibility/signed-cursor.js';
import { queryInteger } from './query-values.js';

/** The service's own id of a payment: 1–64 of `A–Z a–z 0–9 . _ : -`. */
export const externalReferenceSchema = z
  .string({ error: 'is required' })
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -');

export const personNameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'must not be empty')
  .max(140, 'must be at most 140 characters')
  .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), 'must not contain control or format characters');

/** CPF or CNPJ (numeric or alphanumeric) with valid check digits; punctuation is accepted and removed. */
export const documentSchema = z
  .string({ error: 'is required' })
  .max(18, 'must be a CPF or CNPJ')
  .regex(/^[0-9A-Za-z./-]{11,18}$/, 'must be a CPF (11 digits) or CNPJ (14 characters) with valid check digits')
  .meta({ description: 'CPF or CNPJ with valid check digits; `.`, `-` and `/` are accepted and removed' })
  .transform(stripDocumentPunctuation)
  .refine(isValidDocument, 'must be a CPF (11 digits) or CNPJ (14 characters) with valid check digits');

export const httpUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048, 'must be at most 2048 characters');

/** Small opaque key/values the service gets back; never personal data (documented). */
export const metadataSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'keys must be 1-40 of A-Z a-z 0-9 _ . -'),
    z.string().max(200, 'values must be at most 200 characters'),
  )
  .refine((m) => Object.keys(m).length <= 20, 'must have at most 20 keys');

const PAGE_LIMIT_MESSAGE = 'must be an integer from 1 to 100';

/** Page size of list routes: an integer in the document, so generated clients send a number. */
export const pageLimitSchema = queryInteger(
  z
    .number({ error: PAGE_LIMIT_MESSAGE })
    .int(PAGE_LIMIT_MESSAGE)
    .min(1, PAGE_LIMIT_MESSAGE)
    .max(100, PAGE_LIMIT_MESSAGE)
    .default(20),
).meta({ description: 'page size, an integer from 1 to 100 (default 20)' });

/** A list page's `nextCursor`, passed back as it came. */
export const pageCursorSchema = z
  .string()
  .max(4096, 'must be at most 4096 characters')
  .regex(CURSOR_PATTERN, 'is not a cursor this API returned')
  .meta({ description: 'the `nextCursor` of the previous page, with the same `status` filter' });

import { isValidCnpj, isValidCpf, stripDocumentPunctuation } from './documents.js';

/**
 * PIX keys as BACEN's DICT defines them, one format per key type. ConnectPSP does not document its checks, so
 * we refuse here what DICT would never resolve, instead of paying for a payout that fails asynchronously.
 */

export const PIX_KEY_TYPES = ['CPF', 'CNPJ', 'EMAIL', 'PHONE', 'EVP'] as const;
export type PixKeyType = (typeof PIX_KEY_TYPES)[number];

/** DICT's limit for e-mail keys. */
const MAX_EMAIL_LENGTH = 77;
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** `+55`, a two-digit area code (11–99), then a mobile (9 + 8 digits) or landline (2–5 + 7 digits) number. */
const PHONE = /^\+55[1-9]{2}(?:9\d{8}|[2-5]\d{7})$/;
const EVP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The key in the form ConnectPSP expects: documents without punctuation, EVPs in lower case. */
export function normalisePixKey(type: PixKeyType, key: string): string {
  const trimmed = key.trim();
  if (type === 'CPF' || type === 'CNPJ') return stripDocumentPunctuation(trimmed);
  if (type === 'EVP') return trimmed.toLowerCase();
  return trimmed;
}

/** Why a (normalised) key is not a valid key of its type, or undefined when it is. */
export function pixKeyProblem(type: PixKeyType, key: string): string | undefined {
  switch (type) {
    case 'CPF':
      return isValidCpf(key) ? undefined : 'must be a CPF (11 digits) with valid check digits';
    case 'CNPJ':
      return isValidCnpj(key) ? undefined : 'must be a CNPJ (14 characters) with valid check digits';
    case 'EMAIL':
      return key.length <= MAX_EMAIL_LENGTH && EMAIL.test(key)
        ? undefined
        : `must be an e-mail address of at most ${MAX_EMAIL_LENGTH} characters`;
    case 'PHONE':
      return PHONE.test(key) ? undefined : 'must be a Brazilian phone number in E.164 form, e.g. +5511987654321';
    case 'EVP':
      return EVP.test(key) ? undefined : 'must be a random key (UUID), e.g. 123e4567-e89b-12d3-a456-426614174000';
  }
}

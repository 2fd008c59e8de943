/**
 * Brazilian taxpayer documents with their check digits. CNPJ includes the alphanumeric form issued from
 * July 2026 (IN RFB 2.229/2024): the first 12 characters may be 0-9 or A-Z, each worth its ASCII code - 48,
 * and the two check digits stay numeric, computed the same modulo-11 way as before.
 */

function mod11CheckDigit(values: number[], weights: number[]): number {
  const sum = values.reduce((acc, value, i) => acc + value * weights[i]!, 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

/** `123.456.789-09` or `12345678909` → `12345678909`; anything else is returned unchanged. */
export function stripDocumentPunctuation(document: string): string {
  return document.replace(/[.\-/]/g, '').toUpperCase();
}

export function isValidCpf(cpf: string): boolean {
  if (!/^\d{11}$/.test(cpf) || /^(\d)\1{10}$/.test(cpf)) return false;
  const digits = [...cpf].map(Number);
  const first = mod11CheckDigit(digits.slice(0, 9), [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = mod11CheckDigit(digits.slice(0, 10), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return digits[9] === first && digits[10] === second;
}

const CNPJ_WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

export function isValidCnpj(cnpj: string): boolean {
  if (!/^[0-9A-Z]{12}\d{2}$/.test(cnpj) || /^(\d)\1{13}$/.test(cnpj)) return false;
  const values = [...cnpj].map((c) => c.charCodeAt(0) - 48);
  const first = mod11CheckDigit(values.slice(0, 12), CNPJ_WEIGHTS_1);
  const second = mod11CheckDigit(values.slice(0, 13), CNPJ_WEIGHTS_2);
  return values[12] === first && values[13] === second;
}

/** A CPF (11 digits) or CNPJ (14 characters) with valid check digits, already stripped of punctuation. */
export function isValidDocument(document: string): boolean {
  return document.length === 11 ? isValidCpf(document) : isValidCnpj(document);
}

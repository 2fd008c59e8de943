import { z } from 'zod';

/**
 * Query parameters typed as what they mean. A query string carries text; these read the one spelling a client
 * generated from our OpenAPI sends (`5`, `true`) and hand anything else to the inner schema unchanged, which refuses
 * it with its own message. The document shows the inner schema (`type: integer`, `type: boolean`), so the spec,
 * the generated types and the validator agree.
 */
export function queryInteger<S extends z.ZodType<number | undefined>>(schema: S) {
  // Decimal digits only: `Number()` would also read `0x10`, `1e2`, ` 5` or the empty string.
  return z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value),
    schema,
  );
}

export function queryBoolean<S extends z.ZodType<boolean | undefined>>(schema: S) {
  return z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), schema);
}

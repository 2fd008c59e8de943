import type { z } from 'zod';
import { badRequest, type FieldError } from './problem.js';

/** Parses with a zod schema or throws a 400 problem that names every offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : where,
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  throw badRequest(
    `The ${where} has ${errors.length} invalid field(s): ${errors.map((e) => e.field).join(', ')}`,
    errors,
  );
}

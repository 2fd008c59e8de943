import type { z } from 'zod';
import type { ProblemCodeName } from './problem-codes.js';
import type { ApiTag } from './tags.js';

/**
 * The documentation of one route, written next to the router it describes and built from the same zod
 * schemas that validate its requests. `api/openapi/catalog.ts` gathers every router's docs into the
 * OpenAPI document; a test fails when an Express route has none.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. `/v1/cash-ins/{externalReference}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** From the catalogue in `tags.ts`, which describes each. */
  tags: readonly ApiTag[];
  /**
   * Who may call it: `service` (API key or OIDC JWT as a Bearer token), `connectpsp` (a signed webhook),
   * or `public`.
   */
  security: 'service' | 'connectpsp' | 'public';
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: BodyDoc;
  /** Success answers by status code. */
  responses: Record<number, ResponseDoc>;
  /** Problem codes it may answer with (beyond the ones every route of its kind has). */
  errors?: ProblemCodeName[];
}

export interface BodyDoc {
  schema: z.ZodType;
  /** @default application/json */
  contentType?: string;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** @default application/json */
  contentType?: string;
  example?: unknown;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

/** `{param}` → `:param`: the Express form of an OpenAPI path. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';

const payloadsSchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string().meta({ description: 'base64' })),
      data: z.string().meta({ description: 'base64' }),
    }),
  ),
});

const codecDoc = (direction: 'encode' | 'decode'): RouteDoc => ({
  method: 'post',
  path: `/codec/${direction}`,
  operationId: `${direction}Payloads`,
  summary:
    direction === 'decode'
      ? 'Decrypt Temporal payloads for the Temporal UI and CLI (scope payloads:decode)'
      : 'Encrypt Temporal payloads (scope payloads:encode)',
  description: 'The Temporal remote codec protocol; see docs/OPERATIONS.md “Reading payloads”.',
  tags: ['Operations'],
  security: 'service',
  body: { schema: payloadsSchema },
  responses: { 200: { description: 'The payloads, transformed', schema: payloadsSchema } },
  errors: ['VALIDATION_ERROR', 'UNDECODABLE_PAYLOAD'],
});

/** The Temporal codec endpoint (`routes.ts`). */
export const codecRouteDocs: RouteDoc[] = [codecDoc('decode'), codecDoc('encode')];

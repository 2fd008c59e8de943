import { z } from 'zod';
import type { RouteDoc } from './route-doc.js';

/** The documentation routes, documented too. */
export const openApiRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tags: ['Operations'],
    security: 'public',
    responses: { 200: { description: 'The document', schema: z.record(z.string(), z.unknown()) } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'apiReference',
    summary: 'Interactive API reference (Swagger UI, served locally)',
    tags: ['Operations'],
    security: 'public',
    responses: { 200: { description: 'An HTML page', schema: z.string(), contentType: 'text/html' } },
  },
];

import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';

const check = z.string().meta({ description: '`ok`, or the failure’s code' });
export const readinessSchema = z.object({
  status: z.literal('ready'),
  checks: z.object({ temporal: check, connectPsp: check }),
});

/** Health, readiness and metrics: for orchestrators and Prometheus, without credentials. */
export const operationsRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness: the process answers',
    tags: ['Operations'],
    security: 'public',
    responses: {
      200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }), example: { status: 'ok' } },
    },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Temporal reachable and a ConnectPSP token obtainable',
    tags: ['Operations'],
    security: 'public',
    responses: {
      200: {
        description: 'Ready',
        schema: readinessSchema,
        example: { status: 'ready', checks: { temporal: 'ok', connectPsp: 'ok' } },
      },
    },
    errors: ['NOT_READY'],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics of the API',
    description:
      'HTTP latency by route template and status (`pix_api_http_request_duration_seconds`), webhook outcomes ' +
      '(`pix_api_webhook_events_total`) and the Node.js process. Labels never carry personal data.',
    tags: ['Operations'],
    security: 'public',
    responses: {
      200: { description: 'Prometheus text exposition format', schema: z.string(), contentType: 'text/plain' },
    },
  },
];

import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import {
  eventIdSchema,
  eventPageSchema,
  eventSchema,
  listEventsQuerySchema,
  redeliverFilterSchema,
  redeliveryResponseSchema,
} from '../schemas/events.js';

const idParams = z.object({ id: eventIdSchema });

/** An event listed or redelivered can be read and redelivered by its id (stateful fuzzing follows these). */
const byId = (expression: string) => ({
  getEvent: { operationId: 'getEvent', parameters: { id: expression }, description: 'The event and its attempts' },
  redeliverEvent: {
    operationId: 'redeliverEvent',
    parameters: { id: expression },
    description: 'Send the event again, with the same webhook-id',
  },
});

/** The v1 events routes (`routes.ts`). The bulk redelivery comes before `/{id}`, which would match its path. */
export const eventRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/events',
    operationId: 'listEvents',
    summary: 'Callback events of the last 30 days, newest first',
    description:
      'Every event a lifecycle sent (or owed) to its `callbackUrl`, with its delivery state. An event is listed once ' +
      'its lifecycle run ended or once its first delivery failed. Filters combine; the cursor is bound to them.',
    tags: ['Events'],
    security: 'service',
    query: listEventsQuerySchema,
    responses: {
      200: {
        description: 'A page of events',
        schema: eventPageSchema,
        links: byId('$response.body#/items/0/id'),
      },
    },
    errors: ['VALIDATION_ERROR'],
  },
  {
    method: 'post',
    path: '/v1/events/redeliver',
    operationId: 'redeliverEvents',
    summary: 'Send every event matching a filter again',
    description:
      'For the "we were down for two days" case: `{ "delivery": "failed" }` sends every event whose retries ' +
      'ran out, each once, in order per lifecycle, with its own `webhook-id`. At least one filter field is required.',
    tags: ['Events'],
    security: 'service',
    body: {
      schema: redeliverFilterSchema,
      examples: { failed: { summary: 'Everything that was not delivered', value: { delivery: 'failed' } } },
    },
    responses: {
      202: {
        description: 'Queued for delivery',
        schema: redeliveryResponseSchema,
        links: byId('$response.body#/eventIds/0'),
      },
    },
    errors: ['VALIDATION_ERROR'],
  },
  {
    method: 'get',
    path: '/v1/events/{id}',
    operationId: 'getEvent',
    summary: 'One event as delivered, with every delivery attempt',
    tags: ['Events'],
    security: 'service',
    params: idParams,
    responses: { 200: { description: 'The event', schema: eventSchema } },
    errors: ['NOT_FOUND', 'INVALID_STATE'],
  },
  {
    method: 'post',
    path: '/v1/events/{id}/redeliver',
    operationId: 'redeliverEvent',
    summary: 'Send one event again',
    description:
      'Queues the event for delivery again, whatever its state, with the same `webhook-id` and payload (a new ' +
      'signature and timestamp): receivers deduplicate on the id. Retried like a first delivery. A delivered event ' +
      'of a lifecycle still running is refused (409) until that lifecycle ends.',
    tags: ['Events'],
    security: 'service',
    params: idParams,
    responses: {
      202: {
        description: 'Queued for delivery',
        schema: redeliveryResponseSchema,
        links: byId('$response.body#/eventIds/0'),
      },
    },
    errors: ['NOT_FOUND'],
  },
];

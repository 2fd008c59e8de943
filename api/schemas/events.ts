import { z } from 'zod';
import { DeliveryState } from '../../workflows/callbacks/types.js';
import { externalReferenceSchema } from './fields.js';
import { CURSOR_PATTERN } from '../visibility/signed-cursor.js';

const DELIVERY_STATES = Object.values(DeliveryState);

/** `cash-in.settled`, `cash-out.completed`, …: a lifecycle kind and one of its statuses, lower case. */
export const eventTypeSchema = z
  .string()
  .regex(/^cash-(in|out)\.[a-z_]{1,32}$/, 'must be an event type such as cash-in.settled')
  .meta({ description: 'Event type, e.g. `cash-in.settled` or `cash-out.completed`' });

/** `callback:<lifecycle workflow id>:<sequence>`: the `webhook-id` services received. */
export const eventIdSchema = z
  .string()
  .regex(/^callback:cash-(in|out):[A-Za-z0-9._:-]{1,64}:\d{1,6}$/, 'must be an event id (the webhook-id)')
  .meta({ description: 'The event id, as sent in the `webhook-id` header' });

export const eventFilterSchema = z.strictObject({
  type: eventTypeSchema.optional(),
  externalReference: externalReferenceSchema.optional(),
  delivery: z
    .enum(DELIVERY_STATES, { error: `must be one of ${DELIVERY_STATES.join(', ')}` })
    .optional()
    .meta({ description: 'Delivery state: `pending` (being retried), `delivered` or `failed` (retries over)' }),
});
export type EventFilter = z.infer<typeof eventFilterSchema>;

export const listEventsQuerySchema = eventFilterSchema.extend({
  limit: z
    .int({ error: 'must be an integer from 1 to 100' })
    .min(1, 'must be an integer from 1 to 100')
    .max(100, 'must be an integer from 1 to 100')
    .default(20)
    .meta({ description: 'Page size (default 20)' }),
  cursor: z
    .string()
    .regex(CURSOR_PATTERN, 'is not a cursor this API returned')
    .optional()
    .meta({ description: '`nextCursor` of the previous page, with the same filters' }),
});

/** A filter for a bulk redelivery: at least one field, so that "everything" is never sent by accident. */
export const redeliverFilterSchema = eventFilterSchema
  .refine((f) => f.type !== undefined || f.externalReference !== undefined || f.delivery !== undefined, {
    error: 'must name at least one of type, externalReference, delivery',
    path: [],
  })
  .meta({ minProperties: 1 });

const attemptSchema = z.object({
  at: z.string().meta({ description: 'When the POST was sent' }),
  durationMs: z.int(),
  httpStatus: z.int().nullable().meta({ description: "The receiver's HTTP status; null when it did not answer" }),
  error: z.string().nullable().meta({ description: 'Why no answer came (timeout, connection refused, …)' }),
});

const payloadSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    sequence: z.int(),
    occurredAt: z.string(),
    data: z.object({
      externalReference: z.string(),
      status: z.string(),
      reason: z.string(),
      amountCentavos: z.int(),
    }),
  })
  .meta({ description: 'The JSON body posted to the callbackUrl, signed in the Standard Webhooks format' });

export const eventSummarySchema = z.object({
  id: z.string().meta({ description: 'The `webhook-id`; the same on every attempt and redelivery' }),
  type: z.string(),
  externalReference: z.string(),
  occurredAt: z.string(),
  delivery: z.enum(DELIVERY_STATES),
  attemptCount: z.int(),
  lastAttempt: attemptSchema.nullable(),
});

export const eventSchema = eventSummarySchema.extend({
  payload: payloadSchema,
  attempts: z.array(attemptSchema),
});

export const eventPageSchema = z.object({
  items: z.array(eventSummarySchema),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last' }),
});

export const redeliveryResponseSchema = z.object({
  redelivered: z.int().meta({ description: 'How many events were queued for delivery again' }),
  eventIds: z.array(z.string()),
});

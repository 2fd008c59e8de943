import { z } from 'zod';
import { WebhookEnvelopeSchema, WebhookEventSchema, WebhookEventTypeSchema } from '../../connectpsp/schemas/index.js';
import type { RouteDoc } from '../openapi/route-doc.js';

export const webhookAckSchema = z.object({ received: z.literal(true) });

/**
 * What the receiver takes: a known event with data of its type, or an event of a type it does not know yet,
 * which it acknowledges and records so that ConnectPSP does not retry it forever (see routes.ts).
 */
const webhookBodySchema = z.union([
  WebhookEventSchema,
  WebhookEnvelopeSchema.extend({
    eventType: z
      .string()
      .min(1)
      .meta({ not: { enum: WebhookEventTypeSchema.options }, description: 'an event type not handled yet' }),
  }),
]);

/** `POST /webhooks/connectpsp`, documented from the contract's own event schemas. */
export const webhookRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/webhooks/connectpsp',
    operationId: 'receiveConnectPspWebhook',
    summary: 'ConnectPSP events in (called by ConnectPSP, not by services)',
    description:
      'The signature is checked on the raw body before anything else. 200 means Temporal holds the event ' +
      '(signalled to its lifecycle, or recorded as an unmatched event); any other answer makes ConnectPSP ' +
      'retry. Duplicate deliveries change nothing.',
    tags: ['Webhooks'],
    security: 'connectpsp',
    headers: z.object({
      'X-Connect-Signature': z.string().meta({ description: 'HMAC-SHA256 (hex) of the raw body' }),
      'X-Event-Id': z.string().optional().meta({ description: 'ConnectPSP’s id of this delivery attempt' }),
    }),
    body: {
      schema: webhookBodySchema,
      examples: {
        paid: {
          value: {
            eventType: 'CASHIN_PAID',
            eventAt: '2025-01-01T12:03:00.000Z',
            data: {
              transactionId: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f',
              internalCode: 'CI-000123',
              externalReference: 'order-1001',
              status: 'PAID',
              amount: 25.9,
              payer: { name: 'Maria Silva', document: '52998224725' },
              endToEndId: 'E0000000020250101120300000000001',
              requestedAt: '2025-01-01T12:00:00.000Z',
              paidAt: '2025-01-01T12:03:00.000Z',
            },
          },
        },
      },
    },
    responses: { 200: { description: 'Accepted', schema: webhookAckSchema, example: { received: true } } },
    errors: ['INVALID_EVENT', 'TEMPORARILY_UNAVAILABLE'],
  },
];

import { z } from 'zod';
import { CashInSchema } from './cash-in.js';
import { CashOutSchema } from './cash-out.js';
import { TimestampSchema } from './fields.js';

export const WebhookEventType = {
  CASHIN_PAID: 'CASHIN_PAID',
  CASHIN_REFUNDED: 'CASHIN_REFUNDED',
  CASHOUT_COMPLETED: 'CASHOUT_COMPLETED',
  CASHOUT_FAILED: 'CASHOUT_FAILED',
  CASHOUT_REFUNDED: 'CASHOUT_REFUNDED',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];
export const WebhookEventTypeSchema = z.enum(WebhookEventType);

/**
 * The envelope of every webhook, with `data` left unchecked: a receiver parses this first so that an event type
 * it does not know yet can still be acknowledged (or stored) instead of being retried forever.
 */
export const WebhookEnvelopeSchema = z.looseObject({
  eventType: z.string().min(1),
  eventAt: TimestampSchema,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelopeSchema>;

function event<T extends WebhookEventType, D extends z.ZodType>(eventType: T, data: D) {
  return z.looseObject({ eventType: z.literal(eventType), eventAt: TimestampSchema, data });
}

export const CashInPaidEventSchema = event(WebhookEventType.CASHIN_PAID, CashInSchema);
export const CashInRefundedEventSchema = event(WebhookEventType.CASHIN_REFUNDED, CashInSchema);
export const CashOutCompletedEventSchema = event(WebhookEventType.CASHOUT_COMPLETED, CashOutSchema);
export const CashOutFailedEventSchema = event(WebhookEventType.CASHOUT_FAILED, CashOutSchema);
export const CashOutRefundedEventSchema = event(WebhookEventType.CASHOUT_REFUNDED, CashOutSchema);

/** A known webhook event; `data` has the shape of the matching GET response ("V2 webhooks"). */
export const WebhookEventSchema = z.discriminatedUnion('eventType', [
  CashInPaidEventSchema,
  CashInRefundedEventSchema,
  CashOutCompletedEventSchema,
  CashOutFailedEventSchema,
  CashOutRefundedEventSchema,
]);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
export type CashInWebhookEvent = Extract<WebhookEvent, { eventType: 'CASHIN_PAID' | 'CASHIN_REFUNDED' }>;
export type CashOutWebhookEvent = Exclude<WebhookEvent, CashInWebhookEvent>;

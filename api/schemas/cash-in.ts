import { z } from 'zod';
import { amountSchema } from './money.js';
import {
  documentSchema,
  externalReferenceSchema,
  httpUrlSchema,
  metadataSchema,
  pageLimitSchema,
  pageCursorSchema,
  personNameSchema,
} from './fields.js';

import { MAX_REFUND_DESCRIPTION, REFUND_REASONS } from '../../workflows/cash-in/types.js';

export { REFUND_REASONS };
export const CASH_IN_STATUSES = [
  'CREATING',
  'AWAITING_PAYMENT',
  'PAID',
  'SETTLED',
  'REFUNDING',
  'REFUNDED',
  'EXPIRED',
  'FAILED',
] as const;

export interface CashInLimits {
  maxAmountCentavos: number;
  defaultSettlementWindowMinutes: number;
}

export function createCashInBodySchema(limits: CashInLimits) {
  return z.strictObject({
    externalReference: externalReferenceSchema,
    amount: amountSchema(limits.maxAmountCentavos),
    expirationInMinutes: z
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(60 * 24 * 30, 'must be at most 43200 (30 days)')
      .default(1440),
    payer: z.strictObject({ name: personNameSchema, document: documentSchema }, { error: 'is required' }),
    openFinance: z.strictObject({ redirectUrl: httpUrlSchema.optional() }).optional(),
    settlement: z
      .strictObject({
        mode: z.enum(['auto', 'manual']).default('auto'),
        windowMinutes: z
          .number()
          .int('must be an integer')
          .min(1)
          .max(60 * 24 * 30)
          .optional(),
      })
      .default({ mode: 'auto' })
      .transform((s) => ({ mode: s.mode, windowMinutes: s.windowMinutes ?? limits.defaultSettlementWindowMinutes })),
    callbackUrl: httpUrlSchema.optional(),
    metadata: metadataSchema.optional(),
  });
}
export type CreateCashInBody = z.infer<ReturnType<typeof createCashInBodySchema>>;

export const refundBodySchema = z.strictObject({
  reason: z.enum(REFUND_REASONS, { error: `must be one of ${REFUND_REASONS.join(', ')}` }),
  description: z
    .string()
    .max(MAX_REFUND_DESCRIPTION, `must be at most ${MAX_REFUND_DESCRIPTION} characters`)
    .optional(),
});

export const listQuerySchema = z.strictObject({
  status: z.enum(CASH_IN_STATUSES).optional(),
  limit: pageLimitSchema,
  cursor: pageCursorSchema.optional(),
});

import { z } from 'zod';
import { CASH_IN_STATUSES } from './cash-in.js';

/**
 * The cash-in as the API answers it. The presenter is typed by these schemas, so the OpenAPI document and
 * the real answers cannot drift apart.
 */
const decimal = z
  .string()
  .regex(/^\d+\.\d{2}$/)
  .meta({ description: 'BRL amount, two decimals', example: '25.90' });
const instant = z.iso.datetime({ offset: true });

/** Shared by every lifecycle's view: why it is parked on our side, and whether the view may lag behind. */
export const attentionFields = {
  attention: z
    .object({
      code: z.string().meta({ description: 'our own fault it waits out, e.g. `INVALID_APPLICATION_TOKEN`' }),
      since: instant.nullable(),
      detail: z.string().nullable(),
    })
    .nullable()
    .meta({
      description:
        'Set while the payment is held up by a fault on our side (credentials, ConnectPSP contract); it carries ' +
        'on by itself once the fault is fixed. Not a refusal: the payment keeps its status.',
    }),
  stale: z.boolean().meta({
    description:
      'true when no worker answered in time and the view was rebuilt from what Temporal holds (status, amount, ' +
      'attention code, the create request): it may lag behind, and its timeline is empty.',
  }),
};

export const cashInResponseSchema = z.object({
  externalReference: z.string(),
  status: z.enum(CASH_IN_STATUSES),
  amount: decimal,
  currency: z.literal('BRL'),
  settlement: z.object({ mode: z.enum(['auto', 'manual']) }),
  createdAt: instant,
  expiresAt: instant.nullable(),
  paidAt: instant.nullable(),
  settledAt: instant.nullable(),
  refundedAt: instant.nullable(),
  connectPsp: z
    .object({ transactionId: z.string(), internalCode: z.string(), endToEndId: z.string().optional() })
    .nullable()
    .meta({ description: 'ConnectPSP’s ids of the charge, once it accepted it' }),
  pix: z
    .object({
      copyAndPaste: z.string().meta({ description: 'PIX “copia e cola” (BR Code) text' }),
      qrCodeImageBase64: z.string().meta({ description: 'PNG of the QR code, base64' }),
    })
    .nullable()
    .meta({ description: 'How to pay by QR code, while the charge waits for its payment (null once paid or expired)' }),
  openFinance: z
    .object({ paymentUrl: z.string() })
    .nullable()
    .meta({ description: 'Where to send the payer (OpenFinance), while the charge waits for its payment' }),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  payments: z.array(
    z.object({
      endToEndId: z.string(),
      amount: decimal,
      paidAt: instant,
      disposition: z.enum(['ACCEPTED', 'REFUNDING', 'REFUNDED']),
      refundEndToEndId: z.string().nullable(),
      refundReason: z.string().nullable(),
    }),
  ),
  timeline: z.array(z.object({ status: z.enum(CASH_IN_STATUSES), at: instant, reason: z.string() })),
  metadata: z.record(z.string(), z.string()),
  ...attentionFields,
});
export type CashInResponse = z.infer<typeof cashInResponseSchema>;

export const paymentListResponseSchema = z.object({
  items: z.array(
    z.object({
      externalReference: z.string(),
      status: z.string().meta({ description: 'its current status' }),
      amount: decimal.nullable(),
      createdAt: instant.nullable(),
    }),
  ),
  nextCursor: z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last' }),
});

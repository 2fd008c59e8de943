import { z } from 'zod';
import { DocumentSchema, IspbSchema, PositiveBrlAmountSchema, BrlAmountSchema, TimestampSchema } from './fields.js';

export const CashInStatus = {
  AWAITING_PAYMENT: 'AWAITING_PAYMENT',
  PAID: 'PAID',
  EXPIRED: 'EXPIRED',
  REFUNDED: 'REFUNDED',
  CANCELLED: 'CANCELLED',
} as const;
export type CashInStatus = (typeof CashInStatus)[keyof typeof CashInStatus];
export const CashInStatusSchema = z.enum(CashInStatus);

export const RefundReason = {
  FRAUD: 'FRAUD',
  DUPLICATED_PAYMENT: 'DUPLICATED_PAYMENT',
  CUSTOMER_REQUEST: 'CUSTOMER_REQUEST',
  MERCHANT_ERROR: 'MERCHANT_ERROR',
} as const;
export type RefundReason = (typeof RefundReason)[keyof typeof RefundReason];
export const RefundReasonSchema = z.enum(RefundReason);

/** Default validity of a QR code when `expirationInMinutes` is omitted (24 h). */
export const DEFAULT_CASH_IN_EXPIRATION_MINUTES = 1440;

/** The payer's bank, filled by ConnectPSP once the payment settles. */
export const PayerBankDataSchema = z.looseObject({
  ispb: IspbSchema,
  bank: z.string(),
  branch: z.string(),
  account: z.string(),
});
export type PayerBankData = z.infer<typeof PayerBankDataSchema>;

/** OpenFinance block of `POST /cash-in`: only `redirectUrl` is known (the docs are cut off after `redi…`). */
export const OpenFinanceRequestSchema = z.object({
  redirectUrl: z.url().optional(),
});
export type OpenFinanceRequest = z.infer<typeof OpenFinanceRequestSchema>;

/** `POST /cash-in` body. With `openFinance` the payer is redirected to `paymentUrl` instead of scanning a QR code. */
export const CreateCashInRequestSchema = z.object({
  amount: PositiveBrlAmountSchema,
  externalReference: z.string().min(1).max(100),
  expirationInMinutes: z.number().int().positive().optional(),
  webhookUrl: z.url().optional(),
  payer: z.object({
    name: z.string().min(1).max(140),
    document: DocumentSchema,
  }),
  openFinance: OpenFinanceRequestSchema.optional(),
});
export type CreateCashInRequest = z.infer<typeof CreateCashInRequestSchema>;

/** The PIX "Copia e Cola" BR Code and its QR code as a base64 PNG without a `data:` prefix. */
export const PixDataSchema = z.looseObject({
  copyAndPaste: z.string().startsWith('000201'),
  qrCodeImageBase64: z.string().min(1),
});
export type PixData = z.infer<typeof PixDataSchema>;

/**
 * A cash-in as `GET /cash-in/{id}` returns it, and as `data` of the CASHIN_* webhooks. Fields that are set only
 * later in the lifecycle may be `null` or absent; `pixData` / `paymentUrl` accompany an unpaid charge.
 */
export const CashInSchema = z.looseObject({
  transactionId: z.string().min(1),
  internalCode: z.string().min(1),
  externalReference: z.string(),
  status: CashInStatusSchema,
  amount: BrlAmountSchema,
  payer: z.looseObject({
    name: z.string(),
    document: z.string(),
    bankData: PayerBankDataSchema.nullish(),
  }),
  endToEndId: z.string().nullish(),
  originalEndToEndId: z.string().nullish(),
  pixData: PixDataSchema.nullish(),
  paymentUrl: z.string().nullish(),
  requestedAt: TimestampSchema,
  paidAt: TimestampSchema.nullish(),
  refundedAt: TimestampSchema.nullish(),
  expiredAt: TimestampSchema.nullish(),
});
export type CashIn = z.infer<typeof CashInSchema>;

/** `POST /cash-in` 201 body: the cash-in at creation, with `pixData` (QR flow) or `paymentUrl` (OpenFinance). */
export const CreateCashInResponseSchema = CashInSchema;
export type CreateCashInResponse = CashIn;

/** `POST /cash-in/{id}/refund` body. Refunds are always of the full amount. */
export const RefundCashInRequestSchema = z.object({
  reason: RefundReasonSchema,
  description: z.string().max(500).optional(),
});
export type RefundCashInRequest = z.infer<typeof RefundCashInRequestSchema>;

/**
 * `POST /cash-in/{id}/refund` 202 body. Only its first fields are documented, `endToEndId` being the new `D…`
 * devolution id; the rest is expected to mirror the GET shape, so it is accepted but not required.
 */
export const RefundCashInResponseSchema = CashInSchema.partial().extend({
  transactionId: z.string().min(1),
  internalCode: z.string().min(1),
  externalReference: z.string(),
  endToEndId: z.string().min(1),
});
export type RefundCashInResponse = z.infer<typeof RefundCashInResponseSchema>;

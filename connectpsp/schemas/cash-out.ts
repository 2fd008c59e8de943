import { z } from 'zod';
import { BrlAmountSchema, DocumentSchema, IspbSchema, PositiveBrlAmountSchema, TimestampSchema } from './fields.js';

export const CashOutStatus = {
  PROCESSING: 'PROCESSING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  REFUNDED: 'REFUNDED',
  CANCELLED: 'CANCELLED',
} as const;
export type CashOutStatus = (typeof CashOutStatus)[keyof typeof CashOutStatus];
export const CashOutStatusSchema = z.enum(CashOutStatus);

export const PixKeyType = { CPF: 'CPF', CNPJ: 'CNPJ', EMAIL: 'EMAIL', PHONE: 'PHONE', EVP: 'EVP' } as const;
export type PixKeyType = (typeof PixKeyType)[keyof typeof PixKeyType];
export const PixKeyTypeSchema = z.enum(PixKeyType);

/** Only `PAYMENT` appears in the docs; the others are the sandbox's assumption of the usual Brazilian kinds. */
export const BankAccountType = {
  PAYMENT: 'PAYMENT',
  CHECKING: 'CHECKING',
  SAVINGS: 'SAVINGS',
  SALARY: 'SALARY',
} as const;
export type BankAccountType = (typeof BankAccountType)[keyof typeof BankAccountType];
export const BankAccountTypeSchema = z.enum(BankAccountType);

/** Formats of PIX keys per type. Undocumented by ConnectPSP: these are the BACEN DICT formats. */
export const PIX_KEY_PATTERNS: Record<PixKeyType, RegExp> = {
  CPF: /^\d{11}$/,
  CNPJ: /^[0-9A-Z]{12}\d{2}$/,
  EMAIL: /^[^\s@]+@[^\s@]+$/,
  PHONE: /^\+55\d{10,11}$/,
  EVP: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

export const PixDestinationSchema = z.object({
  type: z.literal('PIX'),
  pixKeyType: PixKeyTypeSchema,
  pixKey: z.string().min(1).max(77),
});
export type PixDestination = z.infer<typeof PixDestinationSchema>;

export const BankAccountSchema = z.object({
  ispb: IspbSchema,
  branch: z.string().regex(/^\d{1,4}$/, 'must be up to 4 digits'),
  account: z.string().regex(/^\d{1,20}$/, 'must be digits'),
  accountType: BankAccountTypeSchema,
});
export type BankAccount = z.infer<typeof BankAccountSchema>;

export const BankAccountDestinationSchema = z.object({
  type: z.literal('BANK_ACCOUNT'),
  bankAccount: BankAccountSchema,
});
export type BankAccountDestination = z.infer<typeof BankAccountDestinationSchema>;

/** Where a cash-out goes: a PIX key, or a bank account (ISPB + branch + account). */
export const CashOutDestinationSchema = z.discriminatedUnion('type', [
  PixDestinationSchema,
  BankAccountDestinationSchema,
]);
export type CashOutDestination = z.infer<typeof CashOutDestinationSchema>;

export const PayeeSchema = z.object({
  name: z.string().min(1).max(140),
  document: DocumentSchema,
  destination: CashOutDestinationSchema,
});
export type Payee = z.infer<typeof PayeeSchema>;

/** `POST /cash-out` body (DigitalSignature required). A PIX key must match the format of its `pixKeyType`. */
export const CreateCashOutRequestSchema = z
  .object({
    amount: PositiveBrlAmountSchema,
    externalReference: z.string().min(1).max(100),
    description: z.string().max(140).optional(),
    webhookUrl: z.url().optional(),
    payee: PayeeSchema,
  })
  .superRefine((request, ctx) => {
    const destination = request.payee.destination;
    if (destination.type === 'PIX' && !PIX_KEY_PATTERNS[destination.pixKeyType].test(destination.pixKey)) {
      ctx.addIssue({
        code: 'custom',
        path: ['payee', 'destination', 'pixKey'],
        message: `is not a valid ${destination.pixKeyType} key`,
      });
    }
  });
export type CreateCashOutRequest = z.infer<typeof CreateCashOutRequestSchema>;

/** Why a cash-out FAILED, e.g. `PIX_KEY_NOT_FOUND`. Present only when the status is FAILED. */
export const CashOutFailureSchema = z.looseObject({
  code: z.string().min(1),
  message: z.string(),
});
export type CashOutFailure = z.infer<typeof CashOutFailureSchema>;

/**
 * A cash-out as `GET /cash-out/{id}` returns it, as the 202 of `POST /cash-out`, and as `data` of the CASHOUT_*
 * webhooks. The payee is echoed without re-checking formats so that a stored payee never fails a read.
 */
export const CashOutSchema = z.looseObject({
  transactionId: z.string().min(1),
  internalCode: z.string().min(1),
  externalReference: z.string(),
  status: CashOutStatusSchema,
  amount: BrlAmountSchema,
  endToEndId: z.string().nullish(),
  originalEndToEndId: z.string().nullish(),
  failure: CashOutFailureSchema.nullish(),
  description: z.string().nullish(),
  payee: z.looseObject({
    name: z.string(),
    document: z.string(),
    destination: z.looseObject({ type: z.string() }),
  }),
  requestedAt: TimestampSchema.nullish(),
  completedAt: TimestampSchema.nullish(),
  failedAt: TimestampSchema.nullish(),
  refundedAt: TimestampSchema.nullish(),
});
export type CashOut = z.infer<typeof CashOutSchema>;

/** `POST /cash-out` 202 body: the cash-out as accepted, normally PROCESSING with a null `endToEndId`. */
export const CreateCashOutResponseSchema = CashOutSchema;
export type CreateCashOutResponse = CashOut;

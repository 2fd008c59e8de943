import { z } from 'zod';
import { normalisePixKey, PIX_KEY_TYPES, pixKeyProblem } from '../validation/pix-keys.js';
import {
  documentSchema,
  externalReferenceSchema,
  httpUrlSchema,
  pageCursorSchema,
  pageLimitSchema,
  personNameSchema,
} from './fields.js';
import { amountSchema } from './money.js';

export const CASH_OUT_STATUSES = ['CREATING', 'PROCESSING', 'COMPLETED', 'FAILED', 'REFUNDED'] as const;
/** `PAYMENT` is the one ConnectPSP shows; the others are the usual Brazilian account kinds. */
export const BANK_ACCOUNT_TYPES = ['PAYMENT', 'CHECKING', 'SAVINGS', 'SALARY'] as const;

const pixDestinationSchema = z
  .strictObject({
    type: z.literal('PIX'),
    pixKeyType: z.enum(PIX_KEY_TYPES, { error: `must be one of ${PIX_KEY_TYPES.join(', ')}` }),
    pixKey: z.string({ error: 'is required' }).max(100, 'must be at most 100 characters'),
  })
  .transform((destination, ctx) => {
    const pixKey = normalisePixKey(destination.pixKeyType, destination.pixKey);
    const problem = pixKeyProblem(destination.pixKeyType, pixKey);
    if (problem) {
      ctx.addIssue({ code: 'custom', path: ['pixKey'], message: problem });
      return z.NEVER;
    }
    return { ...destination, pixKey };
  });

const bankAccountDestinationSchema = z.strictObject({
  type: z.literal('BANK_ACCOUNT'),
  bankAccount: z.strictObject(
    {
      ispb: z.string({ error: 'is required' }).regex(/^\d{8}$/, 'must be the 8-digit ISPB of the bank'),
      branch: z.string({ error: 'is required' }).regex(/^\d{1,4}$/, 'must be 1-4 digits'),
      account: z.string({ error: 'is required' }).regex(/^\d{1,20}$/, 'must be 1-20 digits, check digit included'),
      accountType: z.enum(BANK_ACCOUNT_TYPES, { error: `must be one of ${BANK_ACCOUNT_TYPES.join(', ')}` }),
    },
    { error: 'is required' },
  ),
});

const destinationSchema = z.discriminatedUnion('type', [pixDestinationSchema, bankAccountDestinationSchema], {
  error: 'must have type PIX (with pixKeyType and pixKey) or BANK_ACCOUNT (with bankAccount)',
});

export function createCashOutBodySchema(maxAmountCentavos: number) {
  return z.strictObject({
    externalReference: externalReferenceSchema,
    amount: amountSchema(maxAmountCentavos),
    /** May appear on the payee's statement. */
    description: z
      .string()
      .trim()
      .max(140, 'must be at most 140 characters')
      .refine((text) => !/[\p{Cc}\p{Cf}]/u.test(text), 'must not contain control or format characters')
      .optional(),
    payee: z.strictObject(
      { name: personNameSchema, document: documentSchema, destination: destinationSchema },
      { error: 'is required' },
    ),
    callbackUrl: httpUrlSchema.optional(),
  });
}
export type CreateCashOutBody = z.infer<ReturnType<typeof createCashOutBodySchema>>;

export const cashOutListQuerySchema = z.strictObject({
  status: z.enum(CASH_OUT_STATUSES).optional(),
  limit: pageLimitSchema,
  cursor: pageCursorSchema.optional(),
});

import { z } from 'zod';
import { BrlAmountSchema, DateSchema, NonNegativeBrlAmountSchema, TimestampSchema } from './fields.js';

/** One of a partner bank's two accounts: transactional (funds cash-outs) or proprietary (the reserve). */
export const BankAccountBalanceSchema = z.looseObject({
  branch: z.string(),
  account: z.string(),
  balance: BrlAmountSchema,
});
export type BankAccountBalance = z.infer<typeof BankAccountBalanceSchema>;

export const PartnerBankBalanceSchema = z.looseObject({
  ispb: z.string(),
  bank: z.string(),
  accounts: z.looseObject({
    transactional: BankAccountBalanceSchema,
    proprietary: BankAccountBalanceSchema,
  }),
});
export type PartnerBankBalance = z.infer<typeof PartnerBankBalanceSchema>;

/** `GET /account/balance` 200 body: the consolidated wallet and its per-bank split. */
export const BalanceResponseSchema = z.looseObject({
  currency: z.string(),
  referenceDate: DateSchema,
  consolidated: z.looseObject({
    totalBalance: BrlAmountSchema,
    transactionalBalance: BrlAmountSchema,
    proprietaryBalance: BrlAmountSchema,
  }),
  banks: z.array(PartnerBankBalanceSchema),
  updatedAt: TimestampSchema,
});
export type BalanceResponse = z.infer<typeof BalanceResponseSchema>;

/** `GET /account/balance` query. Historical lookup by `date` is announced but not available. */
export const BalanceQuerySchema = z.object({ date: DateSchema.optional() });
export type BalanceQuery = z.infer<typeof BalanceQuerySchema>;

/**
 * `POST /account/rebalance` body (DigitalSignature required): the wanted transactional balance; ConnectPSP tops
 * up from or sweeps to the proprietary account to reach it.
 */
export const RebalanceRequestSchema = z.object({
  targetAmount: NonNegativeBrlAmountSchema,
});
export type RebalanceRequest = z.infer<typeof RebalanceRequestSchema>;

export const RebalanceResponseSchema = z.looseObject({
  success: z.boolean(),
  message: z.string(),
});
export type RebalanceResponse = z.infer<typeof RebalanceResponseSchema>;

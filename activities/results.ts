import { brlToCentavos } from '../connectpsp/money.js';
import type { BalanceResponse, CashIn, CashOut, RefundCashInResponse } from '../connectpsp/schemas/index.js';
import type { BalanceResult, CashInResult, CashOutResult, RefundResult } from './types.js';

/**
 * From ConnectPSP's wire shapes to the activities' results: BRL numbers become centavos, absent fields are left
 * out (as everywhere inside; the API writes them as `null`), and personal data is left behind.
 */

export function toCashInResult(cashIn: CashIn): CashInResult {
  return {
    transactionId: cashIn.transactionId,
    internalCode: cashIn.internalCode,
    externalReference: cashIn.externalReference,
    status: cashIn.status,
    amountCentavos: brlToCentavos(cashIn.amount),
    endToEndId: cashIn.endToEndId ?? undefined,
    originalEndToEndId: cashIn.originalEndToEndId ?? undefined,
    copyAndPaste: cashIn.pixData?.copyAndPaste ?? undefined,
    paymentUrl: cashIn.paymentUrl ?? undefined,
    requestedAt: cashIn.requestedAt,
    paidAt: cashIn.paidAt ?? undefined,
    refundedAt: cashIn.refundedAt ?? undefined,
    expiredAt: cashIn.expiredAt ?? undefined,
  };
}

export function toRefundResult(refund: RefundCashInResponse): RefundResult {
  return {
    transactionId: refund.transactionId,
    internalCode: refund.internalCode,
    externalReference: refund.externalReference,
    endToEndId: refund.endToEndId,
    originalEndToEndId: refund.originalEndToEndId ?? undefined,
    status: refund.status ?? undefined,
    refundedAt: refund.refundedAt ?? undefined,
  };
}

export function toCashOutResult(cashOut: CashOut): CashOutResult {
  return {
    transactionId: cashOut.transactionId,
    internalCode: cashOut.internalCode,
    externalReference: cashOut.externalReference,
    status: cashOut.status,
    amountCentavos: brlToCentavos(cashOut.amount),
    endToEndId: cashOut.endToEndId ?? undefined,
    originalEndToEndId: cashOut.originalEndToEndId ?? undefined,
    failure: cashOut.failure == null ? undefined : { code: cashOut.failure.code, message: cashOut.failure.message },
    requestedAt: cashOut.requestedAt ?? undefined,
    completedAt: cashOut.completedAt ?? undefined,
    failedAt: cashOut.failedAt ?? undefined,
    refundedAt: cashOut.refundedAt ?? undefined,
  };
}

export function toBalanceResult(balance: BalanceResponse): BalanceResult {
  return {
    currency: balance.currency,
    referenceDate: balance.referenceDate,
    updatedAt: balance.updatedAt,
    totalCentavos: brlToCentavos(balance.consolidated.totalBalance),
    transactionalCentavos: brlToCentavos(balance.consolidated.transactionalBalance),
    proprietaryCentavos: brlToCentavos(balance.consolidated.proprietaryBalance),
    banks: balance.banks.map((bank) => ({
      ispb: bank.ispb,
      bank: bank.bank,
      transactionalCentavos: brlToCentavos(bank.accounts.transactional.balance),
      proprietaryCentavos: brlToCentavos(bank.accounts.proprietary.balance),
    })),
  };
}

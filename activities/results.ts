import { brlToCentavos } from '../connectpsp/money.js';
import type { BalanceResponse, CashIn, CashOut, RefundCashInResponse } from '../connectpsp/schemas/index.js';
import type { BalanceResult, CashInResult, CashOutResult, RefundResult } from './types.js';

/**
 * From ConnectPSP's wire shapes to the activities' results: BRL numbers become centavos, absent fields become
 * `null` (so results are stable JSON), and personal data is left behind.
 */

export function toCashInResult(cashIn: CashIn): CashInResult {
  return {
    transactionId: cashIn.transactionId,
    internalCode: cashIn.internalCode,
    externalReference: cashIn.externalReference,
    status: cashIn.status,
    amountCentavos: brlToCentavos(cashIn.amount),
    endToEndId: cashIn.endToEndId ?? null,
    originalEndToEndId: cashIn.originalEndToEndId ?? null,
    pixData:
      cashIn.pixData == null
        ? null
        : { copyAndPaste: cashIn.pixData.copyAndPaste, qrCodeImageBase64: cashIn.pixData.qrCodeImageBase64 },
    paymentUrl: cashIn.paymentUrl ?? null,
    requestedAt: cashIn.requestedAt,
    paidAt: cashIn.paidAt ?? null,
    refundedAt: cashIn.refundedAt ?? null,
    expiredAt: cashIn.expiredAt ?? null,
  };
}

export function toRefundResult(refund: RefundCashInResponse): RefundResult {
  return {
    transactionId: refund.transactionId,
    internalCode: refund.internalCode,
    externalReference: refund.externalReference,
    endToEndId: refund.endToEndId,
    originalEndToEndId: refund.originalEndToEndId ?? null,
    status: refund.status ?? null,
    refundedAt: refund.refundedAt ?? null,
  };
}

export function toCashOutResult(cashOut: CashOut): CashOutResult {
  return {
    transactionId: cashOut.transactionId,
    internalCode: cashOut.internalCode,
    externalReference: cashOut.externalReference,
    status: cashOut.status,
    amountCentavos: brlToCentavos(cashOut.amount),
    endToEndId: cashOut.endToEndId ?? null,
    originalEndToEndId: cashOut.originalEndToEndId ?? null,
    failure: cashOut.failure == null ? null : { code: cashOut.failure.code, message: cashOut.failure.message },
    requestedAt: cashOut.requestedAt ?? null,
    completedAt: cashOut.completedAt ?? null,
    failedAt: cashOut.failedAt ?? null,
    refundedAt: cashOut.refundedAt ?? null,
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

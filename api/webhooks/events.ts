import { brlToCentavos } from '../../connectpsp/money.js';
import type { CashIn, CashOut } from '../../connectpsp/schemas/index.js';
import type { CashInPspEvent } from '../../workflows/cash-in/types.js';
import type { CashOutPspEvent } from '../../workflows/cash-out/types.js';

/** What a cash-in workflow needs of a webhook: ids, status and amount; the payer's data stays out of history. */
export function toCashInEvent(
  eventType: 'CASHIN_PAID' | 'CASHIN_REFUNDED',
  eventAt: string,
  data: CashIn,
): CashInPspEvent {
  return {
    eventType,
    eventAt,
    transactionId: data.transactionId,
    status: data.status,
    amountCentavos: brlToCentavos(data.amount),
    endToEndId: data.endToEndId ?? undefined,
    originalEndToEndId: data.originalEndToEndId ?? undefined,
    paidAt: data.paidAt ?? undefined,
  };
}

/** What a cash-out workflow needs of a webhook: ids, status, amount and failure; the payee stays out of history. */
export function toCashOutEvent(
  eventType: 'CASHOUT_COMPLETED' | 'CASHOUT_FAILED' | 'CASHOUT_REFUNDED',
  eventAt: string,
  data: CashOut,
): CashOutPspEvent {
  return {
    eventType,
    eventAt,
    transactionId: data.transactionId,
    internalCode: data.internalCode,
    status: data.status,
    amountCentavos: brlToCentavos(data.amount),
    endToEndId: data.endToEndId ?? undefined,
    originalEndToEndId: data.originalEndToEndId ?? undefined,
    failure: data.failure ? { code: data.failure.code, message: data.failure.message } : undefined,
    completedAt: data.completedAt ?? undefined,
    failedAt: data.failedAt ?? undefined,
    refundedAt: data.refundedAt ?? undefined,
  };
}

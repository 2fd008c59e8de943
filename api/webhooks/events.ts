import { brlToCentavos } from '../../connectpsp/money.js';
import type { CashIn } from '../../connectpsp/schemas/index.js';
import type { CashInPspEvent } from '../../workflows/cash-in/types.js';

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

import type { CashInView } from '../../workflows/cash-in/types.js';
import { presentAttention } from '../lifecycles/attention-presenter.js';
import type { Known } from '../lifecycles/lifecycle-workflows.js';
import type { CashInResponse } from '../schemas/cash-in-response.js';
import { formatAmount } from '../schemas/money.js';

/** The cash-in as services see it: amounts as decimal strings, internal bookkeeping left out. */
export function presentCashIn(view: Known<CashInView>): CashInResponse {
  return {
    externalReference: view.externalReference,
    status: view.status,
    amount: formatAmount(view.amountCentavos),
    currency: 'BRL',
    settlement: { mode: view.settlementMode },
    createdAt: view.createdAt,
    expiresAt: view.expiresAt ?? null,
    paidAt: view.paidAt ?? null,
    settledAt: view.settledAt ?? null,
    refundedAt: view.refundedAt ?? null,
    connectPsp: view.connectPsp ?? null,
    pix: view.pix ?? null,
    openFinance: view.openFinance ?? null,
    failure: view.failure ?? null,
    payments: view.payments.map((p) => ({
      endToEndId: p.endToEndId,
      amount: formatAmount(p.amountCentavos),
      paidAt: p.paidAt,
      disposition: p.disposition,
      refundEndToEndId: p.refundEndToEndId ?? null,
      refundReason: p.refundReason ?? null,
    })),
    timeline: view.timeline,
    metadata: view.metadata ?? {},
    ...presentAttention(view),
  };
}

import type { CashOutView } from '../../workflows/cash-out/types.js';
import { presentAttention } from '../lifecycles/attention-presenter.js';
import type { MaybeStale } from '../lifecycles/lifecycle-workflows.js';
import { formatAmount } from '../schemas/money.js';

/** The cash-out as services see it: amounts as decimal strings, internal bookkeeping left out. */
export function presentCashOut(view: MaybeStale<CashOutView>) {
  return {
    externalReference: view.externalReference,
    status: view.status,
    amount: formatAmount(view.amountCentavos),
    currency: 'BRL',
    destination: view.destination,
    createdAt: view.createdAt,
    completedAt: view.completedAt ?? null,
    failedAt: view.failedAt ?? null,
    refundedAt: view.refundedAt ?? null,
    connectPsp: view.connectPsp ?? null,
    failure: view.failure ?? null,
    timeline: view.timeline,
    ...presentAttention(view),
  };
}

import type { CashInView } from '../../workflows/cash-in/types.js';
import { presentAttention } from '../lifecycles/attention-presenter.js';
import type { MaybeStale } from '../lifecycles/lifecycle-workflows.js';
import type { CashInResponse } from '../schemas/cash-in-response.js';
import { formatAmount } from '../schemas/money.js';
import { qrCodeImageBase64 } from './qr-code.js';

/**
 * The cash-in as services see it: amounts as decimal strings, absent fields as `null`, the QR code image rendered
 * from its BR Code, internal bookkeeping left out.
 */
export async function presentCashIn(view: MaybeStale<CashInView>): Promise<CashInResponse> {
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
    pix: view.pix
      ? { copyAndPaste: view.pix.copyAndPaste, qrCodeImageBase64: await qrCodeImageBase64(view.pix.copyAndPaste) }
      : null,
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

/**
 * A service's own workflow, in its own namespace, taking a payment through the `pix-payments` Nexus service:
 * it creates the charge, hands its QR code on (a query: the service's checkout page reads it), and awaits the
 * payment durably, across restarts of either side, with no HTTP call, webhook receiver or signal written by hand.
 */
import { createNexusServiceClient, defineQuery, setHandler } from '@temporalio/workflow';
import {
  PIX_PAYMENTS_ENDPOINT,
  pixPaymentsService,
  type CashInResponse,
  type CashInView,
  type CreateCashInRequest,
} from '../../nexus/pix-payments-service.js';

/** What the payer needs, once the charge exists: the BR Code to copy and paste, its QR image (PNG, base64). */
export const payerQrCodeQuery = defineQuery<CashInResponse['pix']>('payerQrCode');

export async function checkoutWithPix(order: CreateCashInRequest): Promise<CashInView> {
  let qrCode: CashInResponse['pix'] = null;
  setHandler(payerQrCodeQuery, () => qrCode);
  const pixPayments = createNexusServiceClient({ endpoint: PIX_PAYMENTS_ENDPOINT, service: pixPaymentsService });

  // Synchronous: answered within seconds with the charge; the same order again answers the same charge.
  const charge = await pixPayments.executeOperation('createCashIn', order, { scheduleToCloseTimeout: '1 minute' });
  qrCode = charge.pix;

  // Asynchronous: completes when the cash-in's lifecycle ends (SETTLED, or EXPIRED, REFUNDED, FAILED, CANCELLED).
  // A cancelled checkout stops waiting at once (ABANDON): pix-payments never cancels a payment for its caller.
  const expiresInMinutes = order.expirationInMinutes ?? 1440;
  return pixPayments.executeOperation('cashIn', order, {
    scheduleToCloseTimeout: `${expiresInMinutes + 24 * 60} minutes`,
    cancellationType: 'ABANDON',
  });
}

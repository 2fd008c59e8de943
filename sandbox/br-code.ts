import { createDynamicPix, hasError } from 'pix-utils';

/**
 * The PIX "Copia e Cola" of a cash-in: a dynamic BR Code (EMV, CRC16) whose payload location names the TxId, as a
 * PSP issues for a charge (`cob`). The amount lives in the payload behind the location, not in the code itself.
 */

const MERCHANT_NAME = 'CONNECTPSP SANDBOX';
const MERCHANT_CITY = 'SAO PAULO';
const LOCATION_HOST = 'pix.sandbox.connectpsp.invalid/qr/v2/';

export function dynamicBrCode(transactionId: string): string {
  const pix = createDynamicPix({
    merchantName: MERCHANT_NAME,
    merchantCity: MERCHANT_CITY,
    url: LOCATION_HOST + transactionId,
  });
  if (hasError(pix)) throw new Error(`Cannot build BR Code: ${pix.message}`);
  return pix.toBRCode();
}

import QRCode from 'qrcode';

/**
 * The QR code image of a BR Code, as the API answers it: a PNG, base64. Rendered here, at the edge, from the
 * copy-and-paste text the lifecycle keeps, so the image never travels through Temporal's history; the same text
 * scans to the same payment.
 */
export async function qrCodeImageBase64(copyAndPaste: string): Promise<string> {
  const png = await QRCode.toBuffer(copyAndPaste, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 });
  return png.toString('base64');
}

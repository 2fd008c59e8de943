import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { dynamicBrCode } from '../../sandbox/br-code.js';
import { qrCodePng } from '../../sandbox/qr-png.js';

// jsqr is CommonJS that also sets `default` on its export; NodeNext typing sees only the namespace object.
const jsQR = jsQRModule.default;

describe('QR code PNG rendering', () => {
  test('the PNG is a valid 1-bit grayscale image (chunk CRCs and zlib checksum checked by pngjs) that decodes to the text', () => {
    const text = dynamicBrCode('kk6g232xel65a0daee4dd13kk2912714964');
    const bytes = qrCodePng(text);
    const png = PNG.sync.read(bytes, { checkCRC: true } as Parameters<typeof PNG.sync.read>[1]);
    expect(png.width).toBe(png.height);
    expect(png.width % 4).toBe(0);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(text);
  });

  test('rendering is deterministic, so a replayed or re-read cash-in shows the same image', () => {
    const text = dynamicBrCode('abcdefghijklmnopqrstuvwxyz012345678');
    expect(qrCodePng(text).equals(qrCodePng(text))).toBe(true);
  });
});

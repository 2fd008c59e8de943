import jsQRModule from 'jsqr';
import { parsePix, hasError, PixElementType } from 'pix-utils';
import { PNG } from 'pngjs';
import { CreateCashInResponseSchema } from '../../connectpsp/schemas/index.js';
import type { RunningSandbox } from '../../sandbox/app.js';
import { cashInBody, startSandbox } from '../support/sandbox-harness.js';
import type { SandboxClient } from '../support/sandbox-harness.js';

// jsqr is CommonJS that also sets `default` on its export; NodeNext typing sees only the namespace object.
const jsQR = jsQRModule.default;

let sandbox: RunningSandbox;
let client: SandboxClient;

beforeAll(async () => ({ sandbox, client } = await startSandbox()));
afterAll(() => sandbox.close());

/** CRC16-CCITT (poly 0x1021, init 0xFFFF) over everything up to and including the `6304` tag, per the EMV spec. */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

describe('the cash-in QR code', () => {
  test('the PNG decodes to exactly the copyAndPaste string', async () => {
    const cashIn = CreateCashInResponseSchema.parse(
      (await client.call('POST', '/cash-in', { body: cashInBody() })).json,
    );
    const png = PNG.sync.read(Buffer.from(cashIn.pixData?.qrCodeImageBase64 ?? '', 'base64'));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(cashIn.pixData?.copyAndPaste);
  });

  test('copyAndPaste is a dynamic PIX BR Code with a correct CRC16 that names the transaction', async () => {
    const cashIn = CreateCashInResponseSchema.parse(
      (await client.call('POST', '/cash-in', { body: cashInBody() })).json,
    );
    const code = cashIn.pixData?.copyAndPaste ?? '';
    expect(code.slice(-8, -4)).toBe('6304');
    expect(code.slice(-4)).toBe(crc16(code.slice(0, -4)));
    const parsed = parsePix(code);
    if (hasError(parsed)) throw new Error(`BR Code does not parse: ${parsed.message}`);
    expect(parsed.type).toBe(PixElementType.DYNAMIC);
    expect(parsed).toMatchObject({ countryCode: 'BR', transactionCurrency: '986' });
    expect(parsed.type === PixElementType.DYNAMIC && parsed.url.endsWith(cashIn.transactionId)).toBe(true);
    const tampered = code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
    expect(hasError(parsePix(tampered))).toBe(true);
  });
});

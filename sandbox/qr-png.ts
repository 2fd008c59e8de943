import { create as createQrCode } from 'qrcode';
import { crc32 } from 'node:zlib';

/**
 * Renders a QR code as a 1-bit grayscale PNG. The `qrcode` package computes the symbol; its own PNG path draws a
 * full RGBA image through pngjs and costs ~4 ms per code, which alone would cap `POST /cash-in` near 250 requests/s,
 * so the PNG is written here directly from the module matrix.
 *
 * The image data is stored uncompressed: `zlib.deflateSync` costs more per call (stream set-up) than the QR symbol
 * itself, and the uncompressed image (~8 KB) is still the size of a typical PSP's QR PNG.
 */

/** Pixels per module; the nibble arithmetic below depends on it being 4. */
const SCALE = 4;
/** Quiet zone of 4 modules, as the QR specification requires. */
const MARGIN = 4;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function qrCodePng(text: string): Buffer {
  // One byte-mode segment skips the library's search for the smallest mix of modes, and a fixed mask skips scoring
  // all eight: together most of its time. Both still yield a valid, readable symbol, a version or two larger.
  const { modules } = createQrCode([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: 0,
  });
  const size = modules.size;
  const width = (size + 2 * MARGIN) * SCALE;
  const stride = Math.ceil(width / 8) + 1;
  // Each scanline is a filter byte (0: none) then packed bits, 1 = white; all-white to start.
  const raw = Buffer.alloc(stride * width, 0xff);
  for (let y = 0; y < width; y++) raw[y * stride] = 0;
  for (let row = 0; row < size; row++) {
    const first = (row + MARGIN) * SCALE * stride;
    for (let col = 0; col < size; col++) {
      if (!modules.data[row * size + col]) continue;
      // At 4 pixels per module with a 4-module margin, module `col` is exactly one nibble of byte (col + 4) / 2.
      const index = first + 1 + ((col + MARGIN) >> 1);
      raw[index] = (raw[index] ?? 0) & ((col + MARGIN) % 2 === 0 ? 0x0f : 0xf0);
    }
    // The other scanlines of this module row are copies of its first.
    for (let dy = 1; dy < SCALE; dy++) raw.copy(raw, first + dy * stride, first, first + stride);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // grayscale
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', storedZlib(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const MAX_STORED_BLOCK = 65_535;

/** A zlib stream (RFC 1950) of uncompressed deflate blocks (RFC 1951 §3.2.4). */
function storedZlib(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED_BLOCK));
  const out = Buffer.alloc(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; // deflate, 32 KB window
  out[1] = 0x01; // no dictionary, fastest; makes the header a multiple of 31
  let offset = 2;
  for (let start = 0; start < data.length || offset === 2; start += MAX_STORED_BLOCK) {
    const length = Math.min(MAX_STORED_BLOCK, data.length - start);
    out[offset] = start + length >= data.length ? 1 : 0; // BFINAL, BTYPE 00
    out.writeUInt16LE(length, offset + 1);
    out.writeUInt16LE(~length & 0xffff, offset + 3);
    data.copy(out, offset + 5, start, start + length);
    offset += 5 + length;
  }
  out.writeUInt32BE(adler32(data), offset);
  return out;
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is the most that can be summed before the 32-bit sums need reducing (zlib's NMAX).
  for (let start = 0; start < data.length; start += 5552) {
    const end = Math.min(start + 5552, data.length);
    for (let i = start; i < end; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

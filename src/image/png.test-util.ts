// Test helper: an independent PNG reader (DataView, Node's zlib.crc32 and inflateSync) for checking
// what our encoder and metadata writer produce.
import { crc32 as nodeCrc32, inflateSync } from 'node:zlib';
import { expect } from 'vitest';

/** An independent PNG reader for tests: chunks with CRCs checked by Node's zlib, IHDR, pixels. */
export function decodePngForTest(png: Uint8Array): { width: number; height: number; rgba: Uint8Array; chunkTypes: string[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunkTypes: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: DataView | undefined;
  for (let at = 8; at < png.length; ) {
    const len = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    expect(view.getUint32(at + 8 + len), `${type} CRC`).toBe(nodeCrc32(png.subarray(at + 4, at + 8 + len)));
    const data = png.subarray(at + 8, at + 8 + len);
    chunkTypes.push(type);
    if (type === 'IHDR') ihdr = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  expect(chunkTypes[0]).toBe('IHDR');
  expect(chunkTypes.at(-1)).toBe('IEND');
  const width = ihdr!.getUint32(0);
  const height = ihdr!.getUint32(4);
  expect([ihdr!.getUint8(8), ihdr!.getUint8(9), ihdr!.getUint8(12)]).toEqual([8, 6, 0]); // 8-bit RGBA, no interlace
  const raw = new Uint8Array(inflateSync(Buffer.concat(idat)));
  expect(raw.length).toBe(height * (1 + width * 4));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (1 + width * 4)]).toBe(0); // filter None
    rgba.set(raw.subarray(y * (1 + width * 4) + 1, (y + 1) * (1 + width * 4)), y * width * 4);
  }
  return { width, height, rgba, chunkTypes };
}

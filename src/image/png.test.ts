// Low-level PNG: CRC-32 and Adler-32 against published vectors and Node's zlib, the encoder decoded
// by an independent reader (DataView + zlib.inflateSync), and text chunks written and read back.
import { crc32 as nodeCrc32, inflateSync } from 'node:zlib';
import { decodePngForTest } from './png.test-util.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PngFormatError,
  adler32,
  crc32,
  encodePng,
  insertPngText,
  readPngText,
  textChunk,
  walkPngChunks,
  zlibStored,
} from './png.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('checksums', () => {
  it('CRC-32 matches the published check value and IEND constant', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(bytes('IEND'))).toBe(0xae426082);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('CRC-32 matches Node zlib.crc32 on random data, also when continued', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), fc.nat(500), (data, cut) => {
      expect(crc32(data)).toBe(nodeCrc32(data));
      const k = Math.min(cut, data.length);
      expect(crc32(data.subarray(k), crc32(data.subarray(0, k)))).toBe(nodeCrc32(data));
    }), { numRuns: 200 });
  });

  it('Adler-32 matches the published example', () => {
    expect(adler32(bytes('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
  });
});

describe('zlibStored', () => {
  it.each([0, 1, 65535, 65536, 200_000])('inflates back to the input (%i bytes)', (n) => {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 7919) % 251);
    const back = inflateSync(zlibStored(data));
    expect(back.length).toBe(n);
    expect(back.equals(data)).toBe(true);
  });
});

describe('encodePng', () => {
  const image = (w: number, h: number) => Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 37 + (i >> 7)) & 255);

  it.each([[true], [false]])('writes pixels an independent decoder reads back (compress: %s)', async (compress) => {
    const rgba = image(13, 7);
    const png = await encodePng(rgba, 13, 7, { compress });
    const decoded = decodePngForTest(png);
    expect(decoded).toMatchObject({ width: 13, height: 7, chunkTypes: ['IHDR', 'IDAT', 'IEND'] });
    expect(decoded.rgba).toEqual(rgba);
  });

  it('compresses a flat image well below its raw size', async () => {
    const png = await encodePng(new Uint8ClampedArray(256 * 256 * 4).fill(200), 256, 256);
    expect(png.length).toBeLessThan(256 * 256 * 4 / 50);
    expect(decodePngForTest(png).rgba.every((v) => v === 200)).toBe(true);
  });

  it('refuses sizes that do not match the data', async () => {
    await expect(encodePng(new Uint8Array(12), 2, 2)).rejects.toThrow(PngFormatError);
    await expect(encodePng(new Uint8Array(0), 0, 0)).rejects.toThrow(/positive integer/);
  });
});

describe('text chunks', () => {
  it('writes Latin-1 text as tEXt and anything else as iTXt, before IEND, readable by both readers', async () => {
    const png = await encodePng(image4(), 1, 1);
    const out = insertPngText(png, [{ keyword: 'a', text: 'café\nline' }, { keyword: 'b', text: 'sloth 🦥 ナマケモノ' }]);
    expect(decodePngForTest(out).chunkTypes).toEqual(['IHDR', 'IDAT', 'tEXt', 'iTXt', 'IEND']);
    expect(readPngText(out)).toEqual({ texts: [{ keyword: 'a', text: 'café\nline' }, { keyword: 'b', text: 'sloth 🦥 ナマケモノ' }], problems: [] });
  });

  it('replaces text chunks with the same keyword instead of adding duplicates', async () => {
    const once = insertPngText(await encodePng(image4(), 1, 1), [{ keyword: 'k', text: 'one' }, { keyword: 'other', text: 'x' }]);
    const twice = insertPngText(once, [{ keyword: 'k', text: 'two' }]);
    expect(readPngText(twice).texts).toEqual([{ keyword: 'other', text: 'x' }, { keyword: 'k', text: 'two' }]);
  });

  it('refuses bad keywords and non-PNG input when writing', async () => {
    expect(() => textChunk({ keyword: '', text: 'x' })).toThrow(PngFormatError);
    expect(() => textChunk({ keyword: ' lead', text: 'x' })).toThrow(/leading/);
    expect(() => textChunk({ keyword: 'k'.repeat(80), text: 'x' })).toThrow(PngFormatError);
    expect(() => insertPngText(bytes('GIF89a....'), [])).toThrow(/not a PNG/);
    const png = await encodePng(image4(), 1, 1);
    expect(() => insertPngText(png.subarray(0, png.length - 4), [])).toThrow(/truncated/);
  });

  it('reports damaged, compressed and malformed text chunks and skips them, never throwing', async () => {
    const png = insertPngText(await encodePng(image4(), 1, 1), [{ keyword: 'good', text: 'ok' }, { keyword: 'bad', text: 'flip' }]);
    const damaged = png.slice();
    const bad = walkPngChunks(png).chunks.find((c) => c.data[0] === 'b'.charCodeAt(0))!;
    damaged[bad.offset + 8 + 5] ^= 1; // a byte of "flip"
    expect(readPngText(damaged)).toEqual({ texts: [{ keyword: 'good', text: 'ok' }], problems: ['tEXt chunk "bad" skipped: CRC mismatch (damaged file)'] });
    expect(readPngText(bytes('not a png')).problems).toEqual(['not a PNG file (no PNG signature)']);
    expect(readPngText(png.subarray(0, 40)).problems[0]).toMatch(/truncated/);
  });

  it('never throws on random or mutated bytes', async () => {
    const png = insertPngText(await encodePng(image4(), 1, 1), [{ keyword: 'k', text: 'ü 🦥' }]);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (junk, edits, cut) => {
      readPngText(junk);
      const mutated = png.slice(0, 8 + (cut % (png.length - 7)));
      for (const [at, v] of edits) if (mutated.length) mutated[at % mutated.length] = v;
      const r = readPngText(mutated);
      expect(Array.isArray(r.texts)).toBe(true);
    }), { numRuns: 500 });
  });
});

function image4(): Uint8Array {
  return Uint8Array.of(10, 20, 30, 255);
}

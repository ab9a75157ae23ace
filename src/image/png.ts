// Low-level PNG: CRC-32, chunk walking, tEXt/iTXt text chunks (write before IEND, read back), and
// a minimal RGBA encoder. Reading never throws (a dropped file is untrusted); writing checks that
// it was handed a PNG and throws PngFormatError otherwise. No dependencies: zlib comes from the
// platform's CompressionStream('deflate') (browsers, Node ≥ 18) or stored deflate blocks.

export const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

export class PngFormatError extends Error {
  override name = 'PngFormatError';
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, as PNG and zlib's crc32 use) of `bytes`, continuing from `crc`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export interface PngChunk {
  type: string;
  /** borrowed view into the file's bytes */
  data: Uint8Array;
  /** byte offset of the chunk's length field */
  offset: number;
  crcOk: boolean;
}

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

function hasSignature(png: Uint8Array): boolean {
  return png.length >= 8 && PNG_SIGNATURE.every((b, i) => png[i] === b);
}

/**
 * The chunks of a PNG in file order, up to IEND. `problem` says why walking stopped early (not a
 * PNG, truncated). CRCs are checked only for the types in `checkCrc` (IDAT is large).
 */
export function walkPngChunks(png: Uint8Array, checkCrc: ReadonlySet<string> = new Set()): { chunks: PngChunk[]; problem?: string } {
  if (!hasSignature(png)) return { chunks: [], problem: 'not a PNG file (no PNG signature)' };
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = ascii(png, at + 4, at + 8);
    if (length > png.length - at - 12) return { chunks, problem: `the ${JSON.stringify(type)} chunk runs past the end of the file (truncated?)` };
    const data = png.subarray(at + 8, at + 8 + length);
    const crcOk = !checkCrc.has(type) || crc32(png.subarray(at + 4, at + 8 + length)) === view.getUint32(at + 8 + length);
    chunks.push({ type, data, offset: at, crcOk });
    at += 12 + length;
    if (type === 'IEND') return { chunks };
  }
  return { chunks, problem: 'the file ends before its IEND chunk (truncated?)' };
}

/** One chunk's bytes: length, type, data, CRC. */
export function encodeChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new PngFormatError(`PNG chunk type must be 4 ASCII letters, got ${JSON.stringify(type)}.`);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface PngText {
  keyword: string;
  text: string;
}

function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c > 0xff) return false;
  }
  return true;
}
const utf8 = new TextEncoder();

/**
 * A text chunk: tEXt when the text is Latin-1 (what PNG readers expect there), else iTXt
 * (uncompressed UTF-8). Keywords are 1–79 printable Latin-1 characters.
 */
export function textChunk({ keyword, text }: PngText): Uint8Array {
  if (!/^[\u0020-\u007E\u00A1-\u00FF]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword)) {
    throw new PngFormatError(`PNG text keyword ${JSON.stringify(keyword)} is not 1–79 printable Latin-1 characters without leading, trailing or double spaces.`);
  }
  const key = Uint8Array.from(keyword, (c) => c.charCodeAt(0));
  if (isLatin1(text)) return encodeChunk('tEXt', concat([key, Uint8Array.of(0), Uint8Array.from(text, (c) => c.charCodeAt(0))]));
  // keyword \0, compression flag 0, method 0, language tag "" \0, translated keyword "" \0, UTF-8 text
  return encodeChunk('iTXt', concat([key, Uint8Array.of(0, 0, 0, 0, 0), utf8.encode(text.replaceAll('\u0000', ''))]));
}

/**
 * A copy of `png` with `texts` inserted just before IEND; existing text chunks with the same
 * keywords are dropped so re-saving never duplicates them.
 */
export function insertPngText(png: Uint8Array, texts: readonly PngText[]): Uint8Array {
  const { chunks, problem } = walkPngChunks(png);
  if (problem || chunks.at(-1)?.type !== 'IEND') throw new PngFormatError(`Cannot add metadata: ${problem ?? 'no IEND chunk'}. Pass the bytes of a complete PNG file.`);
  const replaced = new Set(texts.map((t) => t.keyword));
  const keep = chunks.filter((c) => !(['tEXt', 'iTXt', 'zTXt'].includes(c.type) && replaced.has(textKeyword(c.data))));
  const bytesOf = (c: PngChunk) => png.subarray(c.offset, c.offset + 12 + c.data.length);
  return concat([PNG_SIGNATURE, ...keep.slice(0, -1).map(bytesOf), ...texts.map(textChunk), bytesOf(chunks.at(-1)!)]);
}

function textKeyword(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return latin1(data.subarray(0, nul < 0 ? Math.min(data.length, 79) : nul));
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

const TEXT_TYPES = new Set(['tEXt', 'iTXt']);

/**
 * The uncompressed text chunks of a PNG (tEXt as Latin-1, iTXt as UTF-8), with a problem line for
 * each chunk that could not be read (bad CRC, compressed, malformed) and for a damaged file.
 * Never throws.
 */
export function readPngText(png: Uint8Array): { texts: PngText[]; problems: string[] } {
  const { chunks, problem } = walkPngChunks(png, TEXT_TYPES);
  const problems = problem ? [problem] : [];
  const texts: PngText[] = [];
  const decoder = new TextDecoder('utf-8');
  for (const c of chunks) {
    if (c.type === 'zTXt') problems.push(`compressed zTXt chunk ${JSON.stringify(textKeyword(c.data))} skipped`);
    if (!TEXT_TYPES.has(c.type)) continue;
    const keyword = textKeyword(c.data);
    const nul = c.data.indexOf(0);
    if (!c.crcOk || nul < 1) {
      problems.push(`${c.type} chunk ${JSON.stringify(keyword)} skipped: ${c.crcOk ? 'no keyword' : 'CRC mismatch (damaged file)'}`);
      continue;
    }
    if (c.type === 'tEXt') {
      texts.push({ keyword, text: latin1(c.data.subarray(nul + 1)) });
      continue;
    }
    // keyword \0, compression flag, method, language tag \0, translated keyword \0, text
    const lang = c.data.length > nul + 3 ? c.data.indexOf(0, nul + 3) : -1;
    const translated = lang < 0 ? -1 : c.data.indexOf(0, lang + 1);
    if (translated < 0 || c.data[nul + 1] !== 0) {
      problems.push(`iTXt chunk ${JSON.stringify(keyword)} skipped: ${translated < 0 ? 'malformed' : 'compressed'}`);
      continue;
    }
    texts.push({ keyword, text: decoder.decode(c.data.subarray(translated + 1)) });
  }
  return { texts, problems };
}

/** zlib stream (RFC 1950) of stored, uncompressed deflate blocks: always available, no compression. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  const view = new DataView(out.buffer);
  out[0] = 0x78;
  out[1] = 0x01; // deflate, 32K window, (0x7801 % 31 === 0)
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const part = data.subarray(b * 65535, (b + 1) * 65535);
    out[at] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00 (stored)
    view.setUint16(at + 1, part.length, true);
    view.setUint16(at + 3, ~part.length & 0xffff, true);
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  view.setUint32(at, adler32(data));
  return out;
}

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i += 5552) {
    // reduce every 5552 bytes (zlib's NMAX) so the sums stay small integers
    const end = Math.min(data.length, i + 5552);
    for (let j = i; j < end; j++) {
      a += data[j];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

async function zlibDeflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * An RGBA PNG (8 bits per channel, no interlace, filter "None" on every row). Compressed with
 * CompressionStream('deflate') where the platform has it, else stored; `compress: false` forces
 * stored blocks.
 */
export async function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, opts: { compress?: boolean } = {}): Promise<Uint8Array> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== width * height * 4) {
    throw new PngFormatError(`encodePng needs width·height·4 RGBA bytes with positive integer sizes; got ${rgba.length} bytes for ${width}×${height}.`);
  }
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter set 0, no interlace
  const stride = width * 4;
  // raw: [height, 1 + stride] — each row starts with its filter byte (0 = None)
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const canDeflate = typeof CompressionStream === 'function';
  const idat = opts.compress !== false && canDeflate ? await zlibDeflate(raw) : zlibStored(raw);
  return concat([PNG_SIGNATURE, encodeChunk('IHDR', ihdr), encodeChunk('IDAT', idat), encodeChunk('IEND', new Uint8Array(0))]);
}

// NumPy .npy reader/writer for test fixtures and goldens: pure TS on Uint8Array (Node and browser).
// Supports format versions 1.0/2.0/3.0, little-endian <f4 <f2 <i8 <i4, C order only.

export type NpyDtype = '<f4' | '<f2' | '<i8' | '<i4';
export type NpyData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

/** An n-d array in C (row-major) order; `<f2` data is raw IEEE half bits. */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

export class NpyFormatError extends Error {
  override name = 'NpyFormatError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64; // numpy pads magic + header to a multiple of 64 bytes

// `tag` is Object.prototype.toString's name: checks the array kind across realms.
const DTYPES: Record<NpyDtype, { bytes: number; make: (buf: ArrayBuffer) => NpyData; tag: string }> = {
  '<f4': { bytes: 4, make: (b) => new Float32Array(b), tag: 'Float32Array' },
  '<f2': { bytes: 2, make: (b) => new Uint16Array(b), tag: 'Uint16Array' },
  '<i8': { bytes: 8, make: (b) => new BigInt64Array(b), tag: 'BigInt64Array' },
  '<i4': { bytes: 4, make: (b) => new Int32Array(b), tag: 'Int32Array' },
};

function isDtype(s: string): s is NpyDtype {
  return Object.hasOwn(DTYPES, s);
}

function assertLittleEndianHost(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new NpyFormatError('npy: this host is big-endian; only little-endian hosts are supported');
  }
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string): Header {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError(`npy: header is not a numpy dict with descr, fortran_order and shape: ${text.trim()}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+L?$/.test(s)) throw new NpyFormatError(`npy: bad dimension '${s}' in shape (${shapeText})`);
      return Number.parseInt(s, 10);
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

function readHeaderText(bytes: Uint8Array): { text: string; dataOffset: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyFormatError('npy: missing \\x93NUMPY magic — is this a .npy file (not .npz or raw floats)?');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let lenBytes: number;
  if (major === 1) lenBytes = 2;
  else if (major === 2 || major === 3) lenBytes = 4;
  else throw new NpyFormatError(`npy: format version ${major}.${bytes[7]} is not supported (1.0, 2.0, 3.0 are)`);
  if (bytes.length < 8 + lenBytes) throw new NpyFormatError('npy: file ends inside the header length');
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + headerLen;
  if (bytes.length < dataOffset) throw new NpyFormatError('npy: file ends inside the header');
  const decoder = new TextDecoder(major === 3 ? 'utf-8' : 'latin1');
  return { text: decoder.decode(bytes.subarray(8 + lenBytes, dataOffset)), dataOffset };
}

/** Parses a .npy file. Throws NpyFormatError for big-endian, Fortran order or other dtypes. */
export function readNpy(bytes: Uint8Array): NpyArray {
  assertLittleEndianHost();
  const { text, dataOffset } = readHeaderText(bytes);
  const { descr, fortranOrder, shape } = parseHeader(text);
  if (descr.startsWith('>')) {
    throw new NpyFormatError(`npy: dtype '${descr}' is big-endian; re-save with arr.astype(arr.dtype.newbyteorder('<'))`);
  }
  if (!isDtype(descr)) {
    throw new NpyFormatError(`npy: dtype '${descr}' is not supported; use one of ${Object.keys(DTYPES).join(', ')}`);
  }
  if (fortranOrder) {
    throw new NpyFormatError('npy: fortran_order is True; re-save with np.save(path, np.ascontiguousarray(arr))');
  }
  const { bytes: size, make } = DTYPES[descr];
  const byteLength = elementCount(shape) * size;
  if (bytes.length - dataOffset !== byteLength) {
    throw new NpyFormatError(
      `npy: shape (${shape.join(', ')}) of ${descr} needs ${byteLength} data bytes, file has ${bytes.length - dataOffset}`,
    );
  }
  // Copy into a fresh buffer: the data offset need not be aligned to the element size, and a Node
  // Buffer's slice() would share (and expose) its whole memory pool.
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(dataOffset, dataOffset + byteLength));
  return { dtype: descr, shape, data: make(copy.buffer) };
}

function shapeTuple(shape: number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Serialises to .npy (version 1.0, or 2.0 when the header needs more than 65535 bytes). */
export function writeNpy(array: NpyArray): Uint8Array {
  assertLittleEndianHost();
  const { dtype, shape, data } = array;
  if (!isDtype(dtype)) throw new NpyFormatError(`npy: cannot write dtype '${String(dtype)}'`);
  const tag = Object.prototype.toString.call(data).slice(8, -1);
  if (tag !== DTYPES[dtype].tag) {
    throw new NpyFormatError(`npy: dtype ${dtype} needs a ${DTYPES[dtype].tag}, got ${tag}`);
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || elementCount(shape) !== data.length) {
    throw new NpyFormatError(`npy: shape [${shape.join(', ')}] does not hold ${data.length} elements`);
  }
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  const padded = (prefix: number) => Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN - prefix;
  const lenBytes = padded(10) > 0xffff ? 4 : 2;
  const prefix = 8 + lenBytes;
  const headerLen = padded(prefix);
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  const out = new Uint8Array(prefix + headerLen + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = lenBytes === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lenBytes === 2) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + headerLen);
  return out;
}

// .npy reader/writer against files numpy wrote (scripts/fixtures/export_torch_unet.py) and round trips.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NpyFormatError, readNpy, writeNpy, type NpyArray } from './npy.ts';

const vector = (name: string): Uint8Array =>
  readFileSync(new URL(`./__fixtures__/torch-unet/npy/${name}`, import.meta.url));

// What the Python script wrote with np.lib.format.write_array (half floats as IEEE bits).
const NUMPY_FILES: { file: string; expected: NpyArray; version: number }[] = [
  {
    file: 'f4_2x3.npy',
    version: 1,
    expected: { dtype: '<f4', shape: [2, 3], data: Float32Array.of(-1, -0.5, 0, 0.5, 1, 1.5) },
  },
  {
    file: 'f2_4.npy',
    version: 1,
    expected: { dtype: '<f2', shape: [4], data: Uint16Array.of(0x3c00, 0xc000, 0x3800, 0x7bff) },
  },
  {
    file: 'i8_3.npy',
    version: 1,
    expected: { dtype: '<i8', shape: [3], data: BigInt64Array.of(-1n, 2n ** 40n + 3n, 7n) },
  },
  {
    file: 'i4_2x2_v2.npy',
    version: 2,
    expected: { dtype: '<i4', shape: [2, 2], data: Int32Array.of(1, -2, 2147483647, -2147483648) },
  },
  { file: 'f4_scalar.npy', version: 1, expected: { dtype: '<f4', shape: [], data: Float32Array.of(3.25) } },
];

describe('readNpy on numpy-written files', () => {
  it.each(NUMPY_FILES)('$file', ({ file, expected, version }) => {
    const bytes = vector(file);
    expect(bytes[6]).toBe(version);
    const got = readNpy(bytes);
    expect(got.dtype).toBe(expected.dtype);
    expect(got.shape).toEqual(expected.shape);
    expect(got.data).toBeInstanceOf(expected.data.constructor);
    expect(Array.from(got.data as ArrayLike<number | bigint>)).toEqual(Array.from(expected.data as ArrayLike<number | bigint>));
  });

  it.each(NUMPY_FILES.filter((v) => v.version === 1))('writeNpy reproduces numpy bytes of $file', ({ file }) => {
    const bytes = vector(file);
    expect(Array.from(writeNpy(readNpy(bytes)))).toEqual(Array.from(bytes));
  });

  it.each([
    { file: 'f4_fortran.npy', message: /fortran_order is True/ },
    { file: 'f4_bigendian.npy', message: /'>f4' is big-endian/ },
  ])('rejects $file with a clear error', ({ file, message }) => {
    expect(() => readNpy(vector(file))).toThrow(NpyFormatError);
    expect(() => readNpy(vector(file))).toThrow(message);
  });
});

function withHeader(dict: string, data: Uint8Array, major = 1): Uint8Array {
  const lenBytes = major === 1 ? 2 : 4;
  const header = new TextEncoder().encode(dict + '\n');
  const out = new Uint8Array(8 + lenBytes + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (lenBytes === 2) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, 8 + lenBytes);
  out.set(data, 8 + lenBytes + header.length);
  return out;
}

describe('readNpy errors', () => {
  const f4 = (shape: string) => `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  it.each([
    { name: 'not npy', bytes: new TextEncoder().encode('PK\x03\x04 zip'), message: /magic/ },
    { name: 'version 4', bytes: withHeader(f4('(1,)'), new Uint8Array(4), 4), message: /version 4\.0/ },
    { name: 'f8', bytes: withHeader(f4('(1,)').replace('<f4', '<f8'), new Uint8Array(8)), message: /'<f8' is not supported/ },
    { name: 'short data', bytes: withHeader(f4('(2, 3)'), new Uint8Array(20)), message: /needs 24 data bytes, file has 20/ },
    { name: 'long data', bytes: withHeader(f4('(2,)'), new Uint8Array(12)), message: /needs 8 data bytes, file has 12/ },
    { name: 'no shape', bytes: withHeader("{'descr': '<f4', 'fortran_order': False}", new Uint8Array(4)), message: /shape/ },
    { name: 'bad dim', bytes: withHeader(f4('(2, x)'), new Uint8Array(8)), message: /bad dimension 'x'/ },
    { name: 'truncated header', bytes: withHeader(f4('(1,)'), new Uint8Array(4)).subarray(0, 20), message: /inside the header/ },
  ])('$name', ({ bytes, message }) => {
    expect(() => readNpy(bytes)).toThrow(NpyFormatError);
    expect(() => readNpy(bytes)).toThrow(message);
  });

  it('reads a version 2.0 header written by hand, at an unaligned byteOffset', () => {
    const payload = new Uint8Array(Float32Array.of(1.5, -2).buffer);
    const file = withHeader(f4('(2,)'), payload, 2);
    const unaligned = new Uint8Array(file.length + 1);
    unaligned.set(file, 1);
    const got = readNpy(unaligned.subarray(1));
    expect(Array.from(got.data as Float32Array)).toEqual([1.5, -2]);
  });
});

describe('writeNpy → readNpy round trip', () => {
  const cases: NpyArray[] = [
    { dtype: '<f4', shape: [2, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 1e3) },
    { dtype: '<f4', shape: [0, 5], data: new Float32Array(0) },
    { dtype: '<f2', shape: [3], data: Uint16Array.of(0x0001, 0x7c00, 0xfe00) },
    { dtype: '<i8', shape: [2, 1], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) },
    { dtype: '<i4', shape: [], data: Int32Array.of(-7) },
  ];
  it.each(cases)('$dtype $shape', (array) => {
    const bytes = writeNpy(array);
    const headerEnd = bytes.indexOf(0x0a) + 1; // header ends with '\n' at a multiple of 64
    expect(headerEnd % 64).toBe(0);
    const back = readNpy(bytes);
    expect(back.dtype).toBe(array.dtype);
    expect(back.shape).toEqual(array.shape);
    expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(array.data as ArrayLike<number | bigint>));
  });

  it('switches to format 2.0 when the header outgrows 65535 bytes', () => {
    const shape = new Array<number>(25_000).fill(1);
    const bytes = writeNpy({ dtype: '<i4', shape, data: Int32Array.of(42) });
    expect(bytes[6]).toBe(2);
    const back = readNpy(bytes);
    expect(back.shape).toEqual(shape);
    expect(Array.from(back.data as Int32Array)).toEqual([42]);
  });

  it.each([
    { name: 'wrong array kind', array: { dtype: '<f4', shape: [1], data: Int32Array.of(1) }, message: /needs a Float32Array, got Int32Array/ },
    { name: 'shape mismatch', array: { dtype: '<i4', shape: [2, 2], data: Int32Array.of(1) }, message: /does not hold 1 elements/ },
    { name: 'unknown dtype', array: { dtype: '<f8', shape: [1], data: Float32Array.of(1) }, message: /cannot write dtype '<f8'/ },
  ])('rejects $name', ({ array, message }) => {
    expect(() => writeNpy(array as NpyArray)).toThrow(message);
  });
});

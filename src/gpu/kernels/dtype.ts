// Tensor storage types of our kernels. A tensor is f32 or f16 bytes; kernels always compute in
// f32 and read/write tensors through a WGSL storage prelude (shaders/storage-*.wgsl) that defines
// `V4` (4 values of the innermost axis) with `ld4` / `st4`. f16 bytes are read either as packed
// u32 with the core unpack2x16float (any adapter, SwiftShader included) or natively with
// `enable f16` where the adapter has `shader-f16`.
import f32Prelude from '../../../shaders/storage-f32.wgsl?raw';
import f16PackedPrelude from '../../../shaders/storage-f16-packed.wgsl?raw';
import f16NativePrelude from '../../../shaders/storage-f16.wgsl?raw';

export type TensorDType = 'f32' | 'f16';
/** How f16 bytes are read: 'packed' (u32 + unpack2x16float) or 'native' (`enable f16`). */
export type F16Path = 'packed' | 'native';
export type StorageVariant = 'f32' | 'f16-packed' | 'f16-native';

/** A kernel was asked for a shape or option it cannot run; the message says what to change. */
export class KernelConfigError extends Error {
  override name = 'KernelConfigError';
}

export interface DTypeOptions {
  dtype: TensorDType;
  /** f16 only; default: 'native' when the device has shader-f16, else 'packed'. */
  f16Path?: F16Path;
}

export function storageVariant(device: GPUDevice, { dtype, f16Path }: DTypeOptions): StorageVariant {
  if (dtype === 'f32') return 'f32';
  const hasF16 = device.features.has('shader-f16');
  const path = f16Path ?? (hasF16 ? 'native' : 'packed');
  if (path === 'native' && !hasF16) {
    throw new KernelConfigError("f16Path 'native' needs a device created with the 'shader-f16' feature; use 'packed' on this adapter.");
  }
  return path === 'native' ? 'f16-native' : 'f16-packed';
}

/** The tensor type a storage variant holds (the inverse of storageVariant's dtype). */
export function variantDType(v: StorageVariant): TensorDType {
  return v === 'f32' ? 'f32' : 'f16';
}

const PRELUDES: Record<StorageVariant, string> = {
  f32: f32Prelude,
  'f16-packed': f16PackedPrelude,
  'f16-native': f16NativePrelude,
};

/** The WGSL module text of a kernel for one storage variant: prelude + kernel body. */
export function kernelSource(variant: StorageVariant, body: string, extra = ''): string {
  return `${PRELUDES[variant]}\n${extra}\n${body}`;
}

export function bytesPerValue(dtype: TensorDType): number {
  return dtype === 'f32' ? 4 : 2;
}

export function requireMultiple(what: string, value: number, of: number): void {
  if (!Number.isInteger(value) || value < 0 || value % of !== 0) {
    throw new KernelConfigError(`${what} must be a non-negative multiple of ${of}, got ${value}.`);
  }
}

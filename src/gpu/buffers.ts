// GPU buffer helpers: creation with the usages ORT and our kernels need, uploads and read-backs.

/** Usages that let ORT read/write a buffer we own (Tensor.fromGpuBuffer) and us copy it. */
export const STORAGE_USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** ORT requires sizes that are multiples of 16 for buffers it borrows. */
export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

export function storageBuffer(device: GPUDevice, label: string, bytes: number): GPUBuffer {
  return device.createBuffer({ label, size: align16(Math.max(bytes, 16)), usage: STORAGE_USAGE });
}

/** A storage buffer holding `data` (an odd number of f16 values is padded with a zero half: writes are whole words). */
export function uploadBuffer(device: GPUDevice, label: string, data: ArrayBufferView): GPUBuffer {
  const buf = storageBuffer(device, label, data.byteLength);
  let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength % 4) {
    const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
    padded.set(bytes);
    bytes = padded;
  }
  device.queue.writeBuffer(buf, 0, bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf;
}

/** Copies `bytes` bytes of `src` (from `offset`) back to the CPU. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
  const size = align16(bytes);
  const staging = device.createBuffer({ label: 'readback', size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  try {
    const enc = device.createCommandEncoder({ label: 'readback' });
    enc.copyBufferToBuffer(src, offset, staging, 0, size);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange(0, size).slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

export async function readF32(device: GPUDevice, src: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, count * 4, offset));
}

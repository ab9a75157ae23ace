// WebGPU in Node through the npm `webgpu` package (Dawn), for the CLI, benchmarks and GPU tests.
// Applies the measured workarounds of shared/WEBGPU_ON_CPU.md so onnxruntime-web runs here too.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { acquireGpu, type AcquireOptions, type GpuContext } from './device.ts';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Dawn options of npm `webgpu`'s create(): NVIDIA's Vulkan driver offers shaderFloat16, but Dawn
 * only exposes `shader-f16` there with this toggle (onnxruntime and llama.cpp's WebGPU backend
 * set it too); other adapters ignore it. Whether a given driver then offers shader-f16 is what
 * the adapter report (CLI `adapter:` line) says.
 */
export const DAWN_FLAGS: readonly string[] = ['enable-dawn-features=vulkan_enable_f16_on_nvidia'];

let gpuPromise: Promise<GPU> | undefined;

/** Installs Dawn as `navigator.gpu` (once). Uses SwiftShader when no Vulkan driver is configured. */
export function nodeGpu(): Promise<GPU> {
  gpuPromise ??= (async () => {
    if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && process.env.SLOTHFUL_GPU !== 'system' && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const gpu = create([...DAWN_FLAGS]) as GPU;
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    patchSharedWrites();
    return gpu;
  })();
  return gpuPromise;
}

/** dawn.node rejects views of a SharedArrayBuffer (ORT's wasm memory): copy them first. */
function patchSharedWrites(): void {
  const proto = (globalThis as unknown as { GPUQueue: { prototype: GPUQueue } }).GPUQueue.prototype;
  const original = proto.writeBuffer;
  if ((original as { patched?: boolean }).patched) return;
  const patched = function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: BufferSource, dataOffset?: number, size?: number) {
    const src = ArrayBuffer.isView(data) ? data.buffer : data;
    if (typeof SharedArrayBuffer !== 'undefined' && src instanceof SharedArrayBuffer) {
      const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      const bpe = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
      const start = (dataOffset ?? 0) * bpe;
      const len = size !== undefined ? size * bpe : view.byteLength - start;
      return original.call(this, buffer, offset, view.slice(start, start + len));
    }
    return original.call(this, buffer, offset, data, dataOffset, size);
  } as GPUQueue['writeBuffer'] & { patched?: boolean };
  patched.patched = true;
  proto.writeBuffer = patched;
}

export async function nodeGpuContext(opts: AcquireOptions = {}): Promise<GpuContext> {
  return acquireGpu(await nodeGpu(), opts);
}

/** Directory holding onnxruntime-web's wasm files, for `loadOrt(wasmPaths)` in Node. */
export function ortWasmDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm')) + '/';
}

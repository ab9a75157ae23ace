// The CLI's GPU: Dawn in Node (SwiftShader, or the system's Vulkan GPU with SLOTHFUL_GPU=system),
// one device shared by onnxruntime-web and our kernels, and the adapter printed once.
import { acquireGpu, type GpuContext } from '../gpu/device.ts';
import { loadOrt, type Ort } from '../gpu/ort.ts';
import { nodeGpu, ortWasmDir } from '../gpu/node-gpu.ts';
import type { CliIo } from './io.ts';

export class NoGpuAdapterError extends Error {
  override name = 'NoGpuAdapterError';
}

export const GPU_HELP =
  'The CLI runs WebGPU through Dawn (npm "webgpu") on Vulkan: install libvulkan1 and a driver — ' +
  'SwiftShader comes with Debian\'s chromium package (/usr/lib/chromium/vk_swiftshader_icd.json) — ' +
  'or set SLOTHFUL_GPU=system (and VK_DRIVER_FILES) to use a real GPU. Use --cpu for unet-step without a GPU.';

export function describeAdapter(ctx: GpuContext): string {
  const r = ctx.report;
  const name = [r.vendor, r.architecture, r.description || r.device].filter(Boolean).join(' / ');
  const sizes = r.subgroupMinSize ? ` ${r.subgroupMinSize}–${r.subgroupMaxSize}` : '';
  const feats = [r.shaderF16 ? 'shader-f16' : 'no shader-f16', r.timestampQuery ? 'timestamp-query' : 'no timestamp-query', r.subgroups ? `subgroups${sizes}` : 'no subgroups'];
  return `${name || 'unnamed adapter'}${r.isFallbackAdapter ? ' (fallback adapter)' : ''}; ${feats.join(', ')}; maxBuffer ${(r.limits.maxBufferSize / 2 ** 20).toFixed(0)} MiB`;
}

let shared: Promise<GpuContext> | undefined;

/** The process's one device (ORT keeps one WebGPU context per device: commands in one process share it). */
export async function openGpu(io: CliIo): Promise<{ ctx: GpuContext; ort: Ort }> {
  shared ??= nodeGpu()
    .then((gpu) => acquireGpu(gpu))
    .catch((e: unknown) => {
      shared = undefined;
      throw new NoGpuAdapterError(`No WebGPU adapter (${(e as Error).message.split('. ')[0]}). ${GPU_HELP}`);
    });
  const ctx = await shared;
  io.log(`adapter: ${describeAdapter(ctx)}`);
  const ort = await loadOrt(ortWasmDir());
  return { ctx, ort };
}

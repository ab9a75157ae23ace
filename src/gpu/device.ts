// Acquiring the one GPUDevice that ORT and our kernels share; the single place that watches
// device loss and uncaptured errors, and that starts the device's memory accounting.
import { trackGpuMemory, type GpuMemoryTracker } from './memory.ts';

export class WebGPUUnavailableError extends Error {
  override name = 'WebGPUUnavailableError';
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  shaderF16: boolean;
  timestampQuery: boolean;
  /** `subgroups` (the attention v3 kernel's shuffle reduction; ORT's kernels use it too) */
  subgroups: boolean;
  /** the adapter's subgroup sizes, where it reports them */
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  /** every feature the adapter offers, sorted */
  features: string[];
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxStorageBuffersPerShaderStage: number;
  };
}

export interface GpuContext {
  adapter: GPUAdapter;
  device: GPUDevice;
  report: AdapterReport;
  /** live buffers / bytes on `device`, ORT's included (src/gpu/memory.ts) */
  memory: GpuMemoryTracker;
  /** resolves when the device is lost (destroyed, driver reset, …) */
  lost: Promise<GPUDeviceLostInfo>;
}

export interface AcquireOptions {
  /** Called once if the device is lost (destroyed, driver reset, …). */
  onLost?: (info: GPUDeviceLostInfo) => void;
  /** Called for errors not caught by an error scope. */
  onError?: (error: GPUError) => void;
  /**
   * Ask for `subgroups` (and `subgroup-size-control`) wherever the adapter offers them, even with
   * subgroups narrower than ORT_SUBGROUP_MIN_SIZE: for devices only our kernels use (kernel tests,
   * the kernel bench). Default: only where ORT is known to compute right with them.
   */
  subgroupsAlways?: boolean;
}

/**
 * The narrowest subgroups the shared device (ORT's and ours) asks for. onnxruntime-web 1.30's
 * WebGPU EP computes com.microsoft.MultiHeadAttention wrong with SwiftShader's 4-lane subgroups
 * (max |diff| 0.056 against the CPU EP where 1e-4 holds without them: the ort-fused and fused-torch2
 * cases of src/models/unet.gpu.test.ts); 8 lanes (lavapipe, Intel) are untested with ORT. Real GPUs with
 * 16 or more lanes (NVIDIA 32, AMD 32/64, Apple 32) get them; our attention v3 falls back to its
 * workgroup reduction without them.
 */
export const ORT_SUBGROUP_MIN_SIZE = 16;

/** Whether the device should ask for `f`: offered by the adapter, and for subgroups wide enough (see above). */
export function wantFeature(adapter: GPUAdapter, f: GPUFeatureName, subgroupsAlways = false): boolean {
  if (!adapter.features.has(f)) return false;
  if (f !== 'subgroups' && f !== ('subgroup-size-control' as GPUFeatureName)) return true;
  return subgroupsAlways || (adapter.info?.subgroupMinSize ?? 0) >= ORT_SUBGROUP_MIN_SIZE;
}

// What is missing, only: what to do about it is the one hint of WebGPUUnavailableError
// (WEBGPU_HINT in src/state/run-errors.ts), shown beside the message wherever it appears.
export const NO_WEBGPU_MESSAGE = 'This browser does not offer WebGPU (navigator.gpu is missing).';
export const NO_ADAPTER_MESSAGE = 'The browser offers WebGPU but no GPU adapter for it (blocked, or not supported on this system).';

function reportOf(adapter: GPUAdapter): AdapterReport {
  const info = adapter.info;
  const l = adapter.limits;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    // `isFallbackAdapter` moved from GPUAdapter to GPUAdapterInfo; read both.
    isFallbackAdapter: Boolean(
      (info as unknown as { isFallbackAdapter?: boolean })?.isFallbackAdapter ??
        (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter,
    ),
    shaderF16: adapter.features.has('shader-f16'),
    timestampQuery: adapter.features.has('timestamp-query'),
    subgroups: adapter.features.has('subgroups'),
    subgroupMinSize: info?.subgroupMinSize,
    subgroupMaxSize: info?.subgroupMaxSize,
    features: [...adapter.features].sort(),
    limits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  };
}

/** Features the shared device asks for where the adapter offers them (subgroups: see wantFeature): for ORT's kernels and ours alike. */
export const WANTED_FEATURES: readonly GPUFeatureName[] = ['shader-f16', 'timestamp-query', 'subgroups', 'subgroup-size-control' as GPUFeatureName]; // the last is newer than @webgpu/types' list

/**
 * Requests an adapter and a device with the adapter's buffer limits and the features ORT and our
 * kernels can use (WANTED_FEATURES). `gpu` defaults to `navigator.gpu`.
 */
export async function acquireGpu(gpu: GPU | undefined = globalThis.navigator?.gpu, opts: AcquireOptions = {}): Promise<GpuContext> {
  if (!gpu) throw new WebGPUUnavailableError(NO_WEBGPU_MESSAGE);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new WebGPUUnavailableError(NO_ADAPTER_MESSAGE);
  const requiredFeatures = WANTED_FEATURES.filter((f) => wantFeature(adapter, f, opts.subgroupsAlways));
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'slothful',
    requiredFeatures,
    requiredLimits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  const memory = trackGpuMemory(device);
  const lost = device.lost.then((info) => {
    memory.onDeviceLost();
    opts.onLost?.(info);
    return info;
  });
  if (opts.onError) device.addEventListener('uncapturederror', (e) => opts.onError?.((e as GPUUncapturedErrorEvent).error));
  return { adapter, device, report: reportOf(adapter), memory, lost };
}

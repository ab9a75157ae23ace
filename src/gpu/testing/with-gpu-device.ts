// GPU test harness (gpuweb CTS style): each test runs inside validation + out-of-memory error
// scopes, fails on any leftover error, and every buffer it created is destroyed afterwards.
import { nodeGpuContext } from '../node-gpu.ts';
import type { GpuContext } from '../device.ts';

export class GpuTestError extends Error {
  override name = 'GpuTestError';
}

const shared = new Map<boolean, Promise<GpuContext>>();

/**
 * One device per test process (device creation is the slow part on SwiftShader). Never skips.
 * `kernelsOnly`: a device with every subgroup size the adapter offers (device.ts wantFeature), for
 * tests of our kernels alone; ORT's tests use the default, the device the app makes.
 */
export function testGpuContext(kernelsOnly = false): Promise<GpuContext> {
  let ctx = shared.get(kernelsOnly);
  if (!ctx) {
    ctx = nodeGpuContext({ subgroupsAlways: kernelsOnly }).catch((e: unknown) => {
      throw new GpuTestError(
        `No WebGPU adapter in Node: GPU tests need Dawn (npm 'webgpu') and a Vulkan driver ` +
          `(apt-get install libvulkan1 chromium for SwiftShader). Cause: ${(e as Error).message}`,
      );
    });
    shared.set(kernelsOnly, ctx);
  }
  return ctx;
}

/** withGpuDevice on the kernels-only device (subgroups wherever offered). */
export function withKernelGpuDevice<T>(fn: (device: GPUDevice, ctx: GpuContext) => Promise<T>): Promise<T> {
  return withGpuDevice(fn, true);
}

export async function withGpuDevice<T>(fn: (device: GPUDevice, ctx: GpuContext) => Promise<T>, kernelsOnly = false): Promise<T> {
  const ctx = await testGpuContext(kernelsOnly);
  const { device } = ctx;
  const created: GPUBuffer[] = [];
  const createBuffer = device.createBuffer;
  device.createBuffer = function (desc: GPUBufferDescriptor) {
    const b = createBuffer.call(device, desc);
    created.push(b);
    return b;
  };
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await fn(device, ctx) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  device.createBuffer = createBuffer;
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  for (const b of created) b.destroy();
  if (validation) throw new GpuTestError(`WebGPU validation error: ${validation.message}`);
  if (oom) throw new GpuTestError(`WebGPU out-of-memory error: ${oom.message}`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

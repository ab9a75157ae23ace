// GPU self-check: our WGSL kernel and an onnxruntime-web WebGPU session exchange GPU buffers on
// one device. Chain: x →(Affine a)→ u →(ORT: u·W+b)→ y →(Affine c)→ z, compared with the CPU.
import { Affine } from './kernels/affine.ts';
import { readF32, storageBuffer, uploadBuffer } from './buffers.ts';
import { createSession, runSession, tensorFromGpuBuffer, type Ort } from './ort.ts';
import { SELFCHECK_COLS, SELFCHECK_ROWS, selfCheckModel, selfCheckReference } from './selfcheck-model.ts';

export interface SelfCheckResult {
  /** max |z − reference| after kernel → ORT → kernel */
  maxAbsError: number;
  /** the kernel→ORT leg: ORT read our buffer (max error of y) */
  kernelToOrtError: number;
  /** the ORT→kernel leg: our kernel read ORT's output buffer (max error of z given y) */
  ortToKernelError: number;
  /** a few output values, for display */
  sample: number[];
  ok: boolean;
}

export const SELFCHECK_TOLERANCE = 1e-4;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isFinite(m) ? m : Infinity;
}

export async function runSelfCheck(ort: Ort, device: GPUDevice): Promise<SelfCheckResult> {
  const count = SELFCHECK_ROWS * SELFCHECK_COLS;
  const x = Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37) * 2);
  const [a, b, c, d] = [1.5, -0.25, -2, 0.75];
  const uRef = x.map((v) => v * a + b);
  const yRef = selfCheckReference(uRef);
  const zRef = yRef.map((v) => v * c + d);

  const session = await createSession(ort, device, selfCheckModel(), { outputLocation: 'gpu-buffer' });
  const pre = new Affine(device, a, b);
  const post = new Affine(device, c, d);
  const xBuf = uploadBuffer(device, 'selfcheck.x', x);
  const uBuf = storageBuffer(device, 'selfcheck.u', count * 4);
  const zBuf = storageBuffer(device, 'selfcheck.z', count * 4);
  const temps: GPUBuffer[] = [];
  try {
    let enc = device.createCommandEncoder();
    temps.push(pre.encode(enc, xBuf, uBuf, count));
    device.queue.submit([enc.finish()]);

    const out = await runSession(session, { x: tensorFromGpuBuffer(ort, uBuf, [SELFCHECK_ROWS, SELFCHECK_COLS]) });
    const y = out.y;
    try {
      const yBuf = y.gpuBuffer as GPUBuffer; // borrowed, owned by ORT until dispose()
      enc = device.createCommandEncoder();
      temps.push(post.encode(enc, yBuf, zBuf, count));
      device.queue.submit([enc.finish()]);
      const yGot = await readF32(device, yBuf, count);
      const zGot = await readF32(device, zBuf, count);
      const kernelToOrtError = maxAbsDiff(yGot, yRef);
      const ortToKernelError = maxAbsDiff(zGot, yGot.map((v) => v * c + d));
      const maxAbsError = maxAbsDiff(zGot, zRef);
      return {
        maxAbsError,
        kernelToOrtError,
        ortToKernelError,
        sample: Array.from(zGot.slice(0, 4)),
        ok: maxAbsError <= SELFCHECK_TOLERANCE * 10 && kernelToOrtError <= SELFCHECK_TOLERANCE && ortToKernelError <= SELFCHECK_TOLERANCE,
      };
    } finally {
      y.dispose();
    }
  } finally {
    for (const t of temps) t.destroy();
    xBuf.destroy();
    uBuf.destroy();
    zBuf.destroy();
    await session.release();
  }
}

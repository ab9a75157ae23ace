// `bench/kernels.ts --check`: every kernel against its CPU reference on the benchmark's adapter
// (a real GPU, where the GPU tests cannot run), including the `enable f16` variant when the
// device has shader-f16, and attention v2 and v3 (v3 on the subgroup path where the device has subgroups). Prints one line per check; returns whether all passed.
import { checkClose } from '../src/gpu/kernels/check.ts';
import type { F16Path, TensorDType } from '../src/gpu/kernels/dtype.ts';
import { PLAIN_WINDOW, TOLERANCES, verifyAttention, verifySite, window2d, type Verified } from '../src/gpu/kernels/verify.ts';

const ATTENTION_F16_TOL = { tol: 1e-5, eps: 1e-3 }; // as in attention.gpu.test.ts

export async function runKernelChecks(device: GPUDevice): Promise<boolean> {
  const variants: [TensorDType, F16Path | undefined][] = [
    ['f32', undefined],
    ['f16', 'packed'],
  ];
  if (device.features.has('shader-f16')) variants.push(['f16', 'native']);
  let ok = true;
  const report = (r: Verified, tol: { tol: number; eps: number }) => {
    const c = checkClose(r.got, r.ref, tol);
    ok &&= c.ok;
    console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${r.label}: max |err| ${c.maxAbsError.toExponential(2)}${c.ok ? '' : `, ${c.mismatches} mismatches, first: ${c.first.slice(0, 3).join('; ')}`}`);
  };
  for (const [dtype, f16Path] of variants) {
    device.pushErrorScope('validation');
    try {
      for (const headDim of [40, 64, 80, 160]) {
        for (const kernel of [{ version: 'v2' }, { version: 'v3' }] as const) {
          const r = await verifyAttention(device, { B: 2, N: 273, M: 70, heads: 2, headDim }, dtype, f16Path, kernel);
          report({ ...r, label: `${r.label} (${kernel.version})` }, dtype === 'f32' ? TOLERANCES.f32 : ATTENTION_F16_TOL);
        }
      }
      const sa1d = { active: true, kind: '1d', mode: 'max', len: 2, m: 136, kBlend: 0.3, vBlend: 1, s: 2 } as const;
      const windows = [PLAIN_WINDOW, window2d(13, 21, 3, 3, 'avg', 0.5, 0.5), sa1d];
      for (const r of await verifySite(device, { dtype, f16Path, B: 2, h: 13, w: 21, C: 128, heads: 2, bias: true, windows })) report(r, TOLERANCES[dtype]);
    } catch (e) {
      ok = false;
      console.log(`FAIL ${dtype}${f16Path ? `-${f16Path}` : ''}: ${(e as Error).message}`);
    }
    const err = await device.popErrorScope();
    if (err) {
      ok = false;
      console.log(`FAIL ${dtype}${f16Path ? `-${f16Path}` : ''}: WebGPU validation error: ${err.message}`);
    }
  }
  return ok;
}

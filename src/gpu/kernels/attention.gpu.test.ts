import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../testing/with-gpu-device.ts';
import { readF32, storageBuffer, uploadBuffer } from '../buffers.ts';
import { FlashAttention } from './attention.ts';
import { attentionReference, type AttentionDims } from './reference.ts';
import { assertClose, seededValues } from './check.ts';

// fp32: |got − ref| ≤ 1e-5 + |ref|·1e-4 (exp2 and f32 sums over ≤ 273 keys, reference in f64)
const F32_TOL = { tol: 1e-5, eps: 1e-4 };

async function runAttention(device: GPUDevice, dims: AttentionDims) {
  const { B, N, M, heads, headDim } = dims;
  const C = heads * headDim;
  const q = seededValues(B * N * C, 11 + N, 1.5);
  const k = seededValues(B * M * C, 12 + M, 1.5);
  const v = seededValues(B * M * C, 13 + M, 1);
  const attn = new FlashAttention(device, { dtype: 'f32', headDim });
  const o = storageBuffer(device, 'o', B * N * C * 4);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  attn.encode(pass, {
    q: { buffer: uploadBuffer(device, 'q', q), ld: C },
    k: { buffer: uploadBuffer(device, 'k', k), ld: C },
    v: { buffer: uploadBuffer(device, 'v', v), ld: C },
    o: { buffer: o, ld: C },
    B,
    N,
    M,
    heads,
  });
  pass.end();
  device.queue.submit([enc.finish()]);
  const got = await readF32(device, o, B * N * C);
  attn.destroy();
  return { got, ref: attentionReference(q, k, v, dims), tiling: attn.tiling };
}

describe('FlashAttention (fp32) vs CPU reference', () => {
  // N not a multiple of the query tile, M not a multiple of the key tile, N ≠ M (SA-pooled K/V)
  const cases: AttentionDims[] = [
    { B: 2, N: 273, M: 70, heads: 2, headDim: 40 }, // 13×21 grid; M spans 3 key tiles, last one ragged
    { B: 2, N: 200, M: 50, heads: 2, headDim: 64 }, // 5×40 grid, 1D len 4 → 50 keys; split 2
    { B: 1, N: 100, M: 100, heads: 2, headDim: 80 }, // plain attention (N = M); split 2
    { B: 2, N: 65, M: 33, heads: 1, headDim: 160 }, // split 4, one query past a 16-query tile
  ];
  for (const dims of cases) {
    it(`head_dim ${dims.headDim}: B=${dims.B} N=${dims.N} M=${dims.M} heads=${dims.heads}`, async () => {
      const { got, ref, tiling } = await withGpuDevice((device) => runAttention(device, dims));
      expect(assertClose(`attention d=${dims.headDim} (split ${tiling.split}, ${tiling.queries}q×${tiling.keys}k)`, got, ref, F32_TOL).ok).toBe(true);
    });
  }
});

// The GPU kernels at every size the schedule produces for each width 64…512 (height 64), each
// height (width 64) and the diagonal, with SA off / default / strong 3×3 / stronger 4×4 / 1D:
// PoolKv against poolTokens, and the whole self-attention site (C = 8, 1 head, f32; attention v2
// and v3) against siteReference, within the tolerances the kernel tests state. One device session per test.
import { describe, expect, it } from 'vitest';
import { withKernelGpuDevice } from '../testing/with-gpu-device.ts';
import { readF32, storageBuffer, uploadBuffer } from '../buffers.ts';
import { SelfAttentionSite } from '../site.ts';
import { planGeneration, poolTokens, sdUnetSites, type SaWindow } from '../../sa/index.ts';
import { AXIS_SIZES, SA_STRENGTHS, SWEEP_TIMESTEPS } from '../../sa/sizes.test-util.ts';
import { PoolKv, sharesKv } from './pool-kv.ts';
import { ATTENTION_VERSIONS } from './attention.ts';
import { assertClose, seededValues } from './check.ts';
import { siteReference } from './reference.ts';
import { PLAIN_WINDOW, TOLERANCES } from './verify.ts';

const C = 8;
// PoolKv: sums of ≤ 16 values |x| ≤ 2 in f32 against f64 (pool-kv.gpu.test.ts: 1e-6 + |ref|·1e-6)
const POOL_TOL = { tol: 1e-6, eps: 1e-6 };
// plain attention costs N² per site: only grids up to this many tokens run it
const PLAIN_MAX_TOKENS = 512;
const LARGE_GRIDS = new Set([32 * 32, 48 * 48, 64 * 64]);

interface Grid {
  h: number;
  w: number;
  windows: Map<string, SaWindow>;
}

/** Every distinct site grid and window of the sweep (sizes × strengths × sites × steps). */
function sweepGrids(): Grid[] {
  const grids = new Map<string, Grid>();
  const sites = sdUnetSites();
  for (const [W, H] of AXIS_SIZES) {
    for (const { params } of SA_STRENGTHS) {
      const plan = planGeneration(sites, SWEEP_TIMESTEPS, params, { h: H / 8, w: W / 8 });
      plan.grids.forEach(({ h, w }, i) => {
        const grid = grids.get(`${h}×${w}`) ?? { h, w, windows: new Map<string, SaWindow>() };
        grids.set(`${h}×${w}`, grid);
        for (const win of plan.cells[i]) if (win.active) grid.windows.set(JSON.stringify(win), win);
      });
    }
  }
  return [...grids.values()];
}

const GRIDS = sweepGrids();

/**
 * What the whole site runs on an N-token grid: up to PLAIN_MAX_TOKENS, plain attention and the 2D
 * windows with the smallest and largest stride and the strongest 1D one; above it (diagonal sizes
 * over 176², level 0-1) only the 32², 48² and 64² grids with their largest 2D window — attention
 * there costs seconds per call on SwiftShader. PoolKv above checks every window of every grid.
 */
function siteCases(N: number, windows: SaWindow[]): SaWindow[] {
  const active = windows.filter((win): win is Extract<SaWindow, { active: true }> => win.active).sort((a, b) => a.s - b.s);
  const twoD = active.filter((win) => win.kind === '2d');
  const oneD = active.filter((win) => win.kind === '1d');
  if (N > PLAIN_MAX_TOKENS) return LARGE_GRIDS.has(N) && twoD.length ? [twoD.at(-1)!] : [];
  const picks = [PLAIN_WINDOW, twoD[0], twoD.at(-1), oneD.at(-1)];
  return [...new Set(picks.filter((win): win is SaWindow => win !== undefined))];
}

describe('kernels at every swept size (C = 8, 1 head, f32)', () => {
  it(`PoolKv equals poolTokens for every active window on all ${GRIDS.length} site grids`, async () => {
    let checked = 0;
    await withKernelGpuDevice(async (device) => {
      const pool = new PoolKv(device, { dtype: 'f32' });
      for (const { h, w, windows } of GRIDS) {
        const n = seededValues(h * w * C, h * 1000 + w, 2);
        const nBuf = uploadBuffer(device, 'n', n);
        for (const win of windows.values()) {
          if (!win.active) continue;
          const ref = poolTokens(n, 1, h, w, C, win);
          const [k, v] = [storageBuffer(device, 'k', win.m * C * 4), storageBuffer(device, 'v', win.m * C * 4)];
          const enc = device.createCommandEncoder();
          const pass = enc.beginComputePass();
          const M = pool.encode(pass, { n: nBuf, k, v }, { B: 1, h, w, C }, win);
          pass.end();
          device.queue.submit([enc.finish()]);
          expect(M).toBe(ref.m);
          assertClose(`pool ${h}×${w} ${JSON.stringify(win)} K`, await readF32(device, k, M * C), ref.k, POOL_TOL);
          assertClose(`pool ${h}×${w} ${JSON.stringify(win)} V`, await readF32(device, sharesKv(win) ? k : v, M * C), ref.v, POOL_TOL);
          k.destroy();
          v.destroy();
          checked++;
        }
        nBuf.destroy();
      }
      pool.destroy();
    });
    expect(checked).toBeGreaterThan(300);
  });

  it.each(ATTENTION_VERSIONS)('attention %s: the whole site (projections, pooling, attention) equals siteReference on every grid up to 512 tokens (plain + up to three window shapes) and on the 32², 48², 64² grids', async (version) => {
    const [wq, wk, wv] = [31, 32, 33].map((s) => seededValues(C * C, s, 1 / Math.sqrt(C)));
    const [bq, bk, bv] = [41, 42, 43].map((s) => seededValues(C, s, 0.5));
    let checked = 0;
    await withKernelGpuDevice(async (device) => {
      const site = new SelfAttentionSite(device, { dtype: 'f32', C, heads: 1, weights: { wq, wk, wv, bq, bk, bv }, label: 'sizes.attn1', attention: { version } });
      expect(site.attentionKernel).toBe(version === 'v3' ? 'v3/subgroup' : 'v2'); // SwiftShader offers subgroups
      for (const { h, w, windows } of GRIDS) {
        const N = h * w;
        const n = seededValues(N * C, 7 * N + w, 2);
        const nBuf = uploadBuffer(device, 'n', n);
        const cases = siteCases(N, [...windows.values()]);
        // every case of this grid in one command buffer, outputs copied side by side into one
        // mappable buffer: one submit and one map per grid (SwiftShader's per-submit cost dominates)
        const bytes = N * C * 4;
        const staging = device.createBuffer({ label: 'sizes.out', size: bytes * cases.length, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        site.reserve(1, N);
        const enc = device.createCommandEncoder();
        cases.forEach((window, i) => enc.copyBufferToBuffer(site.encode(enc, { n: nBuf, B: 1, h, w, window }), 0, staging, i * bytes, bytes));
        device.queue.submit([enc.finish()]);
        await staging.mapAsync(GPUMapMode.READ);
        const all = new Float32Array(staging.getMappedRange().slice(0));
        staging.unmap();
        cases.forEach((window, i) => {
          const ref = siteReference(n, 1, h, w, C, 1, wq, wk, wv, window, { bq, bk, bv });
          assertClose(`site ${h}×${w} ${JSON.stringify(window)}`, all.subarray(i * N * C, (i + 1) * N * C), ref, TOLERANCES.f32);
          checked++;
        });
        staging.destroy();
        nBuf.destroy();
      }
      site.destroy();
    });
    expect(checked).toBeGreaterThan(500);
  });
});

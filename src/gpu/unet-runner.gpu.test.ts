import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import { buildUnet } from '../models/unet.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { splitUnet } from '../onnx/surgery.ts';
import { createCpuSplitRunner } from '../onnx/testing/cpu-split-runner.ts';
import { DEFAULT_SA_PARAMS, planGeneration, siteGrid, type SaParams, type SaWindow } from '../sa/index.ts';
import { loadOrt } from './ort.ts';
import { ortWasmDir } from './testing/node-gpu.ts';
import { withGpuDevice } from './testing/with-gpu-device.ts';
import { cpuSiteKernel } from './testing/cpu-site-kernel.ts';
import { gpuSiteKernels, UnetRunner } from './unet-runner.ts';
import { readF32 } from './buffers.ts';
import { seededValues } from './kernels/check.ts';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const u = PIPELINE_CONFIGS.tiny.unet;
const built = buildUnet(u, { attention: 'torch2', dtype: 'float32', seed: 5 });
const [B, H, W] = [2, 16, 16];
const sample = seededValues(B * 4 * H * W, 1);
const ctx = seededValues(B * 77 * u.crossAttentionDim, 2);
const ts = new Float32Array([500, 500]);
const OFF: SaWindow = { active: false, reason: 'disabled', s: 0 };

function cpuFeeds() {
  return {
    sample: new ortNode.Tensor('float32', sample, [B, 4, H, W]),
    timestep: new ortNode.Tensor('float32', ts, [B]),
    encoder_hidden_states: new ortNode.Tensor('float32', ctx, [B, 77, u.crossAttentionDim]),
  };
}

async function gpuRun(kind: 'cpu-sites' | 'gpu-sites', windowOf: (s: { index: number }) => SaWindow): Promise<{ out: Float32Array; live: number }> {
  const ort = await loadOrt(ortWasmDir());
  return withGpuDevice(async (device) => {
    const split = splitUnet(built.model);
    const kernels = kind === 'cpu-sites' ? cpuSiteKernel(device, split.loaded) : gpuSiteKernels(device, split.loaded, 'f32');
    const runner = await UnetRunner.create(ort, device, split, kernels);
    try {
      const feeds = {
        sample: new ort.Tensor('float32', sample, [B, 4, H, W]),
        timestep: new ort.Tensor('float32', ts, [B]),
        encoder_hidden_states: new ort.Tensor('float32', ctx, [B, 77, u.crossAttentionDim]),
      };
      const { outputs } = await runner.run(feeds, { gridOf: (s) => siteGrid(H, W, s.level), windowOf });
      const out = await readF32(device, outputs.out_sample.gpuBuffer as GPUBuffer, B * 4 * H * W);
      outputs.out_sample.dispose();
      return { out, live: runner.live };
    } finally {
      await runner.release();
    }
  });
}

describe('UnetRunner: onnxruntime-web WebGPU segments + site kernels on one device (Dawn)', () => {
  it('SA off with CPU sites equals the unsplit model on onnxruntime-node ≤1e-4', async () => {
    const cpu = await ortNode.InferenceSession.create(built.model);
    const ref = (await cpu.run(cpuFeeds())).out_sample.data as Float32Array;
    await cpu.release();
    const { out, live } = await gpuRun('cpu-sites', () => OFF);
    expect(maxAbsDiff(out, ref)).toBeLessThanOrEqual(1e-4);
    expect(live).toBe(0);
  });

  it('SA on with our WGSL kernels equals the CPU reference (onnxruntime-node segments + reference sites) ≤1e-3', async () => {
    const split = splitUnet(built.model);
    const params: SaParams = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 6 }, out: { ...DEFAULT_SA_PARAMS.out, strength: 4, mode: '2D_MAX', v_blend: 0.5, k_blend: 0.5 } };
    const plan = planGeneration(split.sites, [500], params, { h: H, w: W });
    const windowOf = (s: { index: number }) => plan.cells[s.index][0];
    expect(plan.cells.some((row) => row[0].active)).toBe(true);
    const runner = await createCpuSplitRunner(split);
    const refOn = (await runner.run(cpuFeeds(), (s) => ({ window: windowOf(s), ...siteGrid(H, W, s.level) }))).out_sample.data as Float32Array;
    const refOff = (await runner.run(cpuFeeds(), (s) => ({ window: OFF, ...siteGrid(H, W, s.level) }))).out_sample.data as Float32Array;
    await runner.release();
    const { out } = await gpuRun('gpu-sites', windowOf);
    expect(maxAbsDiff(refOn, refOff)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(out, refOn)).toBeLessThanOrEqual(1e-3);
  });
});

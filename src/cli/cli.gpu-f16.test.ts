// `cli unet-step` on an fp16-body/fp32-edge U-Net (the public web exports' form) on an adapter
// with shader-f16 (Dawn on Mesa 25 lavapipe): every site runs f16-native, the output equals the
// fp32 reference (--cpu on the same seeded weights in fp32) within the stated tolerance with SA
// off and on, and --f16-path packed gives the same output bit for bit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePipeline } from '../models/pipeline.ts';
import { writeReplica } from '../models/replicas.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { readNpy, writeNpy } from '../onnx/npy.ts';
import { maxAbsDiff, seededValues } from '../gpu/kernels/check.ts';
import { memoryIo } from './io.ts';
import { runCli } from './run.ts';

/**
 * One U-Net call in fp16 against fp32 (unrounded fp32 weights on the CPU reference). Measured on
 * lavapipe (2026-12-07): max |diff| 1.6e-2 at max |out| 1.5, SA off and on (≈ 1.1%). Bound: 3e-2·max|ref|.
 */
const REL_TOL = 3e-2;

const tmp = mkdtempSync(join(tmpdir(), 'slothful-cli-f16-'));
const D = PIPELINE_CONFIGS.tiny.unet.crossAttentionDim;
const [B, H, W] = [2, 16, 16];
const SA_ON = JSON.stringify({ time_decay: 0, in: { strength: 6 }, out: { strength: 4, mode: '2D_MAX', k_blend: 0.5, v_blend: 0.5 } });

const out = (name: string) => readNpy(readFileSync(join(tmp, name))).data as Float32Array;
const maxAbs = (x: Float32Array) => Math.max(...Array.from(x, Math.abs));

async function unetStep(model: string, name: string, extra: string[]): Promise<string> {
  const io = memoryIo();
  const argv = ['unet-step', '--unet', join(tmp, model, 'unet', 'model.onnx'), '--sample', join(tmp, 'sample.npy'), '--timestep', '600', '--context', join(tmp, 'context.npy'), '--out', join(tmp, name), ...extra];
  const code = await runCli(argv, io);
  const text = io.lines.join('\n');
  expect(code, text).toBe(0);
  return text;
}

beforeAll(async () => {
  await writePipeline(join(tmp, 'f16'), 'tiny', { attention: 'torch2', dtype: 'float16', ioDtype: 'float32', seed: 1 });
  await writePipeline(join(tmp, 'f32'), 'tiny', { attention: 'torch2', dtype: 'float32', seed: 1 });
  writeFileSync(join(tmp, 'sample.npy'), writeNpy({ dtype: '<f4', shape: [B, 4, H, W], data: seededValues(B * 4 * H * W, 1) }));
  writeFileSync(join(tmp, 'context.npy'), writeNpy({ dtype: '<f4', shape: [B, 77, D], data: seededValues(B * 77 * D, 2) }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cli unet-step, fp16 body behind fp32 edges, on shader-f16', () => {
  for (const [label, sa] of [['SA off', '{"enabled": false}'], ['SA on', SA_ON]] as const) {
    it(`${label}: all 16 sites f16-native; equals the fp32 --cpu reference ≤ ${REL_TOL}·max|ref|; --f16-path packed is bit-identical`, async () => {
      const tag = label === 'SA off' ? 'off' : 'on';
      const text = await unetStep('f16', `${tag}-native.npy`, ['--sa', sa]);
      expect(text).toMatch(/sample \[2, 4, 16, 16\] float32/); // fp32 edge
      expect(text.match(/^ {2}site \d+ .+: f16-native$/gm)).toHaveLength(16);
      expect(text).toMatch(/^ {2}kernel check f16-native C 32\/2: ok /m);
      await unetStep('f32', `${tag}-ref.npy`, ['--sa', sa, '--cpu']);
      const packed = await unetStep('f16', `${tag}-packed.npy`, ['--sa', sa, '--f16-path', 'packed']);
      expect(packed.match(/^ {2}site \d+ .+: f16-packed$/gm)).toHaveLength(16);
      const [native, ref] = [out(`${tag}-native.npy`), out(`${tag}-ref.npy`)];
      expect(native.every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(native, ref)).toBeLessThanOrEqual(REL_TOL * maxAbs(ref));
      expect(Array.from(out(`${tag}-packed.npy`))).toEqual(Array.from(native));
    });
  }

  it('SA changes the output by more than the fp16 error', async () => {
    const noise = maxAbsDiff(out('off-native.npy'), out('off-ref.npy'));
    expect(maxAbsDiff(out('on-native.npy'), out('off-native.npy'))).toBeGreaterThan(2 * noise);
  });
});

describe('cli generate on a replica written by make-model --replica', () => {
  it('sd15-webnn: flat files found by their names, the tokenizer from its own folder, fixed batch 2; every site f16-native', async () => {
    const dir = join(tmp, 'sd15-webnn');
    const r = await writeReplica(dir, 'sd15-webnn');
    const io = memoryIo();
    const argv = ['generate', '--model', dir, '--tokenizer', r.tokenizerDir!, '--prompt', 'a red circle', '--size', '128x128', '--steps', '1', '--guidance', '7.5', '--out', join(tmp, 'webnn.png')];
    const code = await runCli(argv, io);
    const text = io.lines.join('\n');
    expect(code, text).toBe(0);
    expect(text).toMatch(/^model: .*sd15-webnn \(torch2, float16, 16 attn1 sites\)/m);
    expect(text.match(/^ {2}site \d+ .+: f16-native$/gm)).toHaveLength(16);
    expect(readFileSync(join(tmp, 'webnn.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});

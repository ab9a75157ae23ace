// `unet-step --cpu` on the synthetic tiny-xl U-Net (SDXL's text_embeds and time_ids): SA off equals
// the unsplit model on onnxruntime-node fed SDXL's default time_ids; without --text-embeds it is a
// usage error; --time-ids overrides the default.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePipeline } from '../models/pipeline.ts';
import { readNpy, writeNpy } from '../onnx/npy.ts';
import { seededValues } from '../gpu/kernels/check.ts';
import { memoryIo } from './io.ts';
import { runCli } from './run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'slothful-unet-step-xl-'));
const unet = join(tmp, 'tiny-xl', 'unet', 'model.onnx');
const [B, H, W] = [1, 8, 8];
let D = 0;
let P = 0;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) || (a[i] === b[i] ? 0 : Infinity));
  return m;
}
const npy = (name: string, shape: number[], data: Float32Array) => writeFileSync(join(tmp, name), writeNpy({ dtype: '<f4', shape, data }));
const f32 = (name: string) => readNpy(readFileSync(join(tmp, name))).data as Float32Array;
const step = (out: string, extra: string[]) => [
  'unet-step', '--cpu', '--unet', unet, '--sample', join(tmp, 'sample.npy'), '--timestep', '700',
  '--context', join(tmp, 'context.npy'), '--out', join(tmp, out), '--sa', '{"enabled": false}', ...extra,
];
async function cli(argv: string[]): Promise<{ code: number; text: string }> {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, text: io.lines.join('\n') };
}

beforeAll(async () => {
  await writePipeline(join(tmp, 'tiny-xl'), 'tiny-xl', { attention: 'torch2', dtype: 'float32', seed: 1 });
  const session = await ortNode.InferenceSession.create(unet);
  const dims = (name: string) => {
    const meta = session.inputMetadata.find((m) => m.name === name) as { shape?: readonly (number | string)[] } | undefined;
    return Number(meta?.shape?.at(-1));
  };
  [D, P] = [dims('encoder_hidden_states'), dims('text_embeds')];
  await session.release();
  npy('sample.npy', [B, 4, H, W], seededValues(B * 4 * H * W, 3));
  npy('context.npy', [B, 77, D], seededValues(B * 77 * D, 4));
  npy('embeds.npy', [B, P], seededValues(B * P, 5));
  npy('ids.npy', [B, 6], Float32Array.of(512, 512, 0, 0, 512, 512));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('unet-step --cpu on an SDXL U-Net (tiny-xl, 8×8 latents)', () => {
  it('SA off equals the unsplit U-Net on onnxruntime-node with time_ids [64, 64, 0, 0, 64, 64] ≤1e-5', async () => {
    const r = await cli(step('off.npy', ['--text-embeds', join(tmp, 'embeds.npy')]));
    expect(r.code, r.text).toBe(0);
    const session = await ortNode.InferenceSession.create(unet);
    const t = (data: Float32Array, dims: number[]) => new ortNode.Tensor('float32', data, dims);
    const timestepType = session.inputMetadata.find((m) => m.name === 'timestep') as { type?: string } | undefined;
    const ref = await session.run({
      sample: t(f32('sample.npy'), [B, 4, H, W]),
      timestep: timestepType?.type === 'int64' ? new ortNode.Tensor('int64', BigInt64Array.of(700n), [B]) : t(Float32Array.of(700), [B]),
      encoder_hidden_states: t(f32('context.npy'), [B, 77, D]),
      text_embeds: t(f32('embeds.npy'), [B, P]),
      time_ids: t(Float32Array.of(64, 64, 0, 0, 64, 64), [B, 6]),
    });
    await session.release();
    expect(maxAbsDiff(f32('off.npy'), ref.out_sample.data as Float32Array)).toBeLessThanOrEqual(1e-5);
  });

  it('--time-ids changes the output; no --text-embeds is a usage error that says what to pass', async () => {
    const r = await cli(step('with-ids.npy', ['--text-embeds', join(tmp, 'embeds.npy'), '--time-ids', join(tmp, 'ids.npy')]));
    expect(r.code, r.text).toBe(0);
    expect(maxAbsDiff(f32('with-ids.npy'), f32('off.npy'))).toBeGreaterThan(1e-4);
    const bad = await cli(step('bad.npy', []));
    expect(bad.code).not.toBe(0);
    expect(bad.text).toMatch(/This is an SDXL U-Net \(inputs text_embeds, time_ids\): pass --text-embeds/);
  });
});

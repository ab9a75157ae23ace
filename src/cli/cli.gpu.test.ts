// The CLI end to end on Dawn/SwiftShader with the synthetic tiny pipeline written to a temp dir
// (4 U-Net calls in all): unet-step on the GPU against onnxruntime-node (unsplit model with SA
// off; the CPU split reference with SA on), generate → PNG with its parameters, and a non-SD model.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePipeline } from '../models/pipeline.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { selfCheckModel } from '../gpu/selfcheck-model.ts';
import { readNpy, writeNpy } from '../onnx/npy.ts';
import { readPngParams } from '../params/png-metadata.ts';
import { PNG_SIGNATURE } from '../image/png.ts';
import { memoryIo } from './io.ts';
import { runCli } from './run.ts';
import { paramSetFrom, parseCliArgs, type GenerateArgs } from './args.ts';
import { seededValues } from '../gpu/kernels/check.ts';

const tmp = mkdtempSync(join(tmpdir(), 'slothful-cli-gpu-'));
const model = join(tmp, 'tiny');
const D = PIPELINE_CONFIGS.tiny.unet.crossAttentionDim;
const [B, H, W] = [1, 16, 16]; // 8×8 makes tiny's GroupNorm ill-conditioned (see models/configs.ts)

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) || (a[i] === b[i] ? 0 : Infinity));
  return m;
}

const sample = seededValues(B * 4 * H * W, 3);
const context = seededValues(B * 77 * D, 4);
const T = 600;
const f32 = (name: string) => readNpy(readFileSync(join(tmp, name))).data as Float32Array;
const step = (out: string, extra: string[]) => [
  'unet-step', '--unet', join(model, 'unet', 'model.onnx'), '--sample', join(tmp, 'sample.npy'), '--timestep', String(T),
  '--context', join(tmp, 'context.npy'), '--out', join(tmp, out), ...extra,
];
async function cli(argv: string[]): Promise<string> {
  const io = memoryIo();
  const code = await runCli(argv, io);
  const text = io.lines.join('\n');
  expect(code, text).toBe(0);
  return text;
}

beforeAll(async () => {
  await writePipeline(model, 'tiny', { attention: 'torch2', dtype: 'float32', seed: 1 });
  writeFileSync(join(tmp, 'sample.npy'), writeNpy({ dtype: '<f4', shape: [B, 4, H, W], data: sample }));
  writeFileSync(join(tmp, 'context.npy'), writeNpy({ dtype: '<f4', shape: [B, 77, D], data: context }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('CLI on WebGPU (Dawn)', () => {
  it('unet-step, SA off: the split GPU model equals the unsplit model on onnxruntime-node ≤1e-4', async () => {
    const text = await cli(step('off.npy', ['--sa', '{"enabled": false}']));
    expect(text).toMatch(/^adapter: .+/m);
    const session = await ortNode.InferenceSession.create(join(model, 'unet', 'model.onnx'));
    const ref = await session.run({
      sample: new ortNode.Tensor('float32', sample, [B, 4, H, W]),
      timestep: new ortNode.Tensor('float32', new Float32Array(B).fill(T), [B]),
      encoder_hidden_states: new ortNode.Tensor('float32', context, [B, 77, D]),
    });
    await session.release();
    expect(maxAbsDiff(f32('off.npy'), ref.out_sample.data as Float32Array)).toBeLessThanOrEqual(1e-4);
  });

  it('unet-step, SA on: our WGSL sites equal the --cpu reference ≤1e-3 (and SA changes the output)', async () => {
    const sa = JSON.stringify({ time_decay: 0, in: { strength: 6 }, out: { strength: 4, mode: '2D_MAX', k_blend: 0.5, v_blend: 0.5 } });
    await cli(step('on-cpu.npy', ['--sa', sa, '--cpu', '--sites', join(tmp, 'sites.json')]));
    await cli(step('off-cpu.npy', ['--sa', '{"enabled": false}', '--cpu']));
    await cli(step('on-gpu.npy', ['--sa', sa]));
    const sites = JSON.parse(readFileSync(join(tmp, 'sites.json'), 'utf8')).sites as { window: { active: boolean } }[];
    expect(sites.some((s) => s.window.active)).toBe(true);
    expect(maxAbsDiff(f32('on-cpu.npy'), f32('off-cpu.npy'))).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(f32('on-gpu.npy'), f32('on-cpu.npy'))).toBeLessThanOrEqual(1e-3);
  });

  it('generate writes a PNG that carries its parameters', async () => {
    const argv = ['generate', '--model', model, '--prompt', 'a sloth, in the rain', '--size', '64x64', '--steps', '1', '--guidance', '1', '--seed', '42', '--sa', '{"in": {"strength": 9}}', '--out', join(tmp, 'img.png')];
    const text = await cli(argv);
    expect(text).toMatch(/^adapter: /m);
    expect(text).toMatch(/^timings: text .+ unet ORT .+ vae .+ total /m);
    // SA parts come from the sites' GPU timestamps when the adapter offers them (Dawn's SwiftShader does)
    if (/^adapter: .*[^o] timestamp-query/m.test(text)) expect(text).toMatch(/SA sites [\d.]+ ms GPU \(pool [\d.]+ ms, projections [\d.]+ ms, attention [\d.]+ ms\).* \(timestamp-query\)$/m);
    const png = new Uint8Array(readFileSync(join(tmp, 'img.png')));
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const ihdr = new DataView(png.buffer, png.byteOffset + 16, 8);
    expect([ihdr.getUint32(0), ihdr.getUint32(4)]).toEqual([64, 64]);
    const read = readPngParams(png);
    expect(read?.source).toBe('slothful');
    const { set } = paramSetFrom(parseCliArgs(argv) as GenerateArgs, () => '');
    expect(read?.params).toEqual(set);
    expect(read?.params.gen).toMatchObject({ prompt: 'a sloth, in the rain', seed: 42, steps: 1, width: 64, model: 'tiny' });
    expect(read?.params.sa.in.strength).toBe(9);
    expect(existsSync(join(tmp, 'previews'))).toBe(false); // previews are off unless asked for
  });

  it('generate reports every site\'s storage path and the kernel self-check (f32 on this adapter); --previews writes one PNG per step', async () => {
    const previews = join(tmp, 'previews');
    const text = await cli(['generate', '--model', model, '--prompt', 'x', '--size', '64x64', '--steps', '2', '--guidance', '1', '--out', join(tmp, 'img2.png'), '--previews', previews]);
    expect(text).toMatch(/^wrote 2 step previews to /m);
    const pngs = readdirSync(previews).sort();
    expect(pngs).toEqual(['step-001.png', 'step-002.png']);
    const files = pngs.map((f) => new Uint8Array(readFileSync(join(previews, f))));
    for (const png of files) {
      const ihdr = new DataView(png.buffer, png.byteOffset + 16, 8);
      expect([ihdr.getUint32(0), ihdr.getUint32(4)]).toEqual([64, 64]); // 8×8 latents, ×8
    }
    expect(Buffer.from(files[0]).equals(Buffer.from(files[1]))).toBe(false);
    expect(text.match(/^ {2}site \d+ .+attn1 \(.+\): f32$/gm)).toHaveLength(16);
    expect(text).toMatch(/^ {2}kernel check f32 C 32\/2: ok /m);
    expect(text).toMatch(/^ {2}kernel check f32 C 64\/2: ok /m);
  });

  it('unet-step, head_dim 2 at every site (tiny-hd2: the kernels\' general path), default SA: GPU equals --cpu ≤1e-4', async () => {
    const hd2 = join(tmp, 'tiny-hd2');
    await writePipeline(hd2, 'tiny-hd2', { attention: 'torch2', dtype: 'float32', seed: 1 });
    const args = (out: string) => ['unet-step', '--unet', join(hd2, 'unet', 'model.onnx'), '--sample', join(tmp, 'sample.npy'), '--timestep', String(T), '--context', join(tmp, 'context.npy'), '--out', join(tmp, out)];
    await cli([...args('hd2-cpu.npy'), '--cpu', '--sites', join(tmp, 'hd2-sites.json')]);
    const text = await cli(args('hd2-gpu.npy'));
    expect(text.match(/^ {2}site \d+ .+\(.+ heads\): f32$/gm)).toHaveLength(16);
    const sites = JSON.parse(readFileSync(join(tmp, 'hd2-sites.json'), 'utf8')).sites as { channels: number; heads: number; window: { active: boolean } }[];
    expect(sites.every((s) => s.channels / s.heads === 2)).toBe(true);
    expect(sites.some((s) => s.window.active)).toBe(true);
    expect(maxAbsDiff(f32('hd2-gpu.npy'), f32('hd2-cpu.npy'))).toBeLessThanOrEqual(1e-4);
  });

  it('a non-SD ONNX file fails with UnetStructureError and a non-zero exit', async () => {
    writeFileSync(join(tmp, 'linear.onnx'), selfCheckModel());
    const argv = step('x.npy', []);
    argv[2] = join(tmp, 'linear.onnx');
    const io = memoryIo();
    expect(await runCli(argv, io)).toBe(1);
    expect(io.lines.join('\n')).toMatch(/^UnetStructureError: .*attn1/m);
  });
});

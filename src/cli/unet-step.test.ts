// `unet-step --cpu` (onnxruntime-node reference) on the torch-exported fixture: SA off reproduces
// torch's golden output; SA on changes it; the sites file carries SA's schedule for --timestep.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../onnx/npy.ts';
import { DataType } from '../onnx/proto.ts';
import { fromHalf } from '../onnx/float16.ts';
import { DEFAULT_SA_PARAMS, siteGrid, strideAt } from '../sa/index.ts';
import { memoryIo } from './io.ts';
import { runCli } from './run.ts';
import { hostTensor } from './unet-inputs.ts';

const F = fileURLToPath(new URL('../onnx/__fixtures__/torch-unet/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'slothful-unet-step-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const flags = (out: string, extra: string[] = []) => [
  'unet-step', '--cpu', '--unet', join(F, 'unet_opset17.onnx'), '--sample', join(F, 'case_16x16.sample.npy'),
  '--context', join(F, 'case_16x16.encoder_hidden_states.npy'), '--out', join(tmp, out), ...extra,
];
const f32 = (path: string) => readNpy(readFileSync(path)).data as Float32Array;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) || (a[i] === b[i] ? 0 : Infinity));
  return m;
}

describe('unet-step --cpu on the torch fixture (16×16, opset 17)', () => {
  const golden = f32(join(F, 'case_16x16.out_sample.npy'));

  it('SA off equals torch’s golden out_sample ≤1e-4', async () => {
    const io = memoryIo();
    const code = await runCli(flags('off.npy', ['--timestep', join(F, 'case_16x16.timestep.npy'), '--sa', '{"enabled": false}']), io);
    expect(code, io.lines.join('\n')).toBe(0);
    const out = readNpy(readFileSync(join(tmp, 'off.npy')));
    expect(out.shape).toEqual([2, 4, 16, 16]);
    expect(maxAbsDiff(out.data as Float32Array, golden)).toBeLessThanOrEqual(1e-4);
  });

  it('SA on (scalar timestep) changes the output, and --sites holds every site’s grid and window at that timestep', async () => {
    const io = memoryIo();
    const sa = { time_decay: 0, in: { strength: 6 } };
    const code = await runCli(flags('on.npy', ['--timestep', '600', '--sa', JSON.stringify(sa), '--sites', join(tmp, 'sites.json')]), io);
    expect(code, io.lines.join('\n')).toBe(0);
    expect(maxAbsDiff(f32(join(tmp, 'on.npy')), golden)).toBeGreaterThan(1e-3);
    const report = JSON.parse(readFileSync(join(tmp, 'sites.json'), 'utf8'));
    expect(report.timestep).toBe(600);
    expect(report.sites).toHaveLength(16);
    const params = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 6 } };
    for (const s of report.sites) {
      const grid = siteGrid(16, 16, s.level);
      expect({ h: s.h, w: s.w }).toEqual(grid);
      expect(s.window).toEqual(strideAt(s, 600, params, { baseChannels: 6, ...grid }));
    }
    expect(report.sites.filter((s: { window: { active: boolean } }) => s.window.active).length).toBeGreaterThan(0);
  });

  it('a non-U-Net ONNX file and a bad input shape fail with a typed message and a non-zero exit', async () => {
    const { selfCheckModel } = await import('../gpu/selfcheck-model.ts');
    writeFileSync(join(tmp, 'linear.onnx'), selfCheckModel());
    let io = memoryIo();
    const args = flags('x.npy', ['--timestep', '1']);
    args[3] = join(tmp, 'linear.onnx');
    expect(await runCli(args, io)).toBe(1);
    expect(io.lines.join('\n')).toMatch(/^UnetStructureError: .*attn1/m);
    writeFileSync(join(tmp, 'flat.npy'), writeNpy({ dtype: '<f4', shape: [8], data: new Float32Array(8) }));
    io = memoryIo();
    const bad = flags('x.npy', ['--timestep', '1']);
    bad[5] = join(tmp, 'flat.npy');
    expect(await runCli(bad, io)).toBe(2);
    expect(io.lines.join('\n')).toMatch(/--sample must be \[B, 4, h, w\]/);
  });
});

describe('hostTensor: inputs converted to the model’s declared type', () => {
  const v = Float32Array.of(999.4, 0.5, -2.25);
  it.each([
    [DataType.INT64, 'int64', [999n, 1n, -2n]],
    [DataType.INT32, 'int32', [999, 1, -2]],
    [DataType.FLOAT, 'float32', [...v]],
  ])('%s', (dt, type, values) => {
    const t = hostTensor(dt, v, [3]);
    expect(t.type).toBe(type);
    expect(Array.from(t.data as ArrayLike<number | bigint>)).toEqual(values);
  });
  it('float16 keeps the values to half precision', () => {
    const t = hostTensor(DataType.FLOAT16, v, [3]);
    expect([...fromHalf(t.data as Uint16Array)]).toEqual([999.5, 0.5, -2.25]);
  });
});

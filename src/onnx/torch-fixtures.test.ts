// The torch-exported U-Net fixtures (scripts/fixtures/export_torch_unet.py) are self-consistent: the
// unsplit ONNX files reproduce torch's golden outputs on onnxruntime-node (CPU), and manifest.json
// describes what is in the files. Needs no torch: only the committed files are read.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, type NpyArray } from './npy.ts';
import { decodeModel } from './proto.ts';

const DIR = new URL('./__fixtures__/torch-unet/', import.meta.url);
const TOLERANCE = 1e-4; // max |onnxruntime − torch| over out_sample

interface NpyFile {
  file: string;
  dtype: string;
  shape: number[];
}
interface Manifest {
  models: { file: string; opset: number; attn1: Record<string, { nodeCount: number; opTypes: Record<string, number> }> }[];
  cases: { key: string; height: number; width: number; files: Record<string, NpyFile> }[];
  sites: { name: string; onnxScope: string; channels: number; heads: number; dimHead: number }[];
}

const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as Manifest;
const INPUTS = ['sample', 'timestep', 'encoder_hidden_states'] as const;

function loadNpy(entry: NpyFile): NpyArray {
  const array = readNpy(readFileSync(new URL(entry.file, DIR)));
  expect(array.dtype).toBe(entry.dtype);
  expect(array.shape).toEqual(entry.shape);
  return array;
}

function toTensor(array: NpyArray): ortNode.Tensor {
  if (!(array.data instanceof Float32Array)) throw new Error(`fixture input must be float32, got ${array.dtype}`);
  return new ortNode.Tensor('float32', array.data, array.shape);
}

/** Largest |a − b| and where it is; NaN anywhere counts as Infinity. */
function maxAbsDiff(a: Float32Array, b: Float32Array): { max: number; at: number } {
  let max = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    const dd = Number.isNaN(d) ? Infinity : d;
    if (dd > max) [max, at] = [dd, i];
  }
  return { max, at };
}

describe('torch-exported U-Net fixtures', () => {
  const sessions = new Map<string, Promise<ortNode.InferenceSession>>();
  const session = (file: string) => {
    if (!sessions.has(file)) {
      const path = fileURLToPath(new URL(file, DIR));
      sessions.set(file, ortNode.InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1 }));
    }
    return sessions.get(file)!;
  };
  afterAll(async () => {
    for (const s of sessions.values()) await (await s).release();
  });

  it('manifest lists two opsets, three cases and 16 attn1 sites', () => {
    expect(manifest.models.map((m) => m.opset)).toEqual([14, 17]);
    expect(manifest.cases.map((c) => c.key)).toEqual(['16x16', '24x40', '18x30']);
    expect(manifest.sites).toHaveLength(16);
    for (const site of manifest.sites) expect(site.heads * site.dimHead).toBe(site.channels);
  });

  const runs = manifest.models.flatMap((model) => manifest.cases.map((c) => ({ model, c })));
  it.each(runs)('$model.file reproduces torch at $c.key (max abs ≤ 1e-4)', async ({ model, c }) => {
    const s = await session(model.file);
    expect([...s.inputNames].sort()).toEqual([...INPUTS].sort());
    expect(s.outputNames).toEqual(['out_sample']);
    const feeds = Object.fromEntries(INPUTS.map((name) => [name, toTensor(loadNpy(c.files[name]))]));
    const golden = loadNpy(c.files.out_sample);
    const out = (await s.run(feeds)).out_sample;
    expect(out.dims).toEqual(golden.shape);
    const { max, at } = maxAbsDiff(out.data as Float32Array, golden.data as Float32Array);
    const got = (out.data as Float32Array)[at];
    const want = (golden.data as Float32Array)[at];
    expect(max, `worst at flat index ${at}: ort ${got} vs torch ${want}`).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each(manifest.models)('manifest attn1 facts match the nodes in $file', ({ file, attn1 }) => {
    const graph = decodeModel(readFileSync(new URL(file, DIR))).graph!;
    for (const site of manifest.sites) {
      const prefix = `${site.onnxScope}/`;
      const nodes = graph.node.filter((n) => n.name.startsWith(prefix));
      const opTypes: Record<string, number> = {};
      for (const n of nodes) opTypes[n.opType] = (opTypes[n.opType] ?? 0) + 1;
      expect(nodes.length, site.name).toBe(attn1[site.name].nodeCount);
      expect(opTypes, site.name).toEqual(attn1[site.name].opTypes);
      expect(opTypes.Softmax, `${site.name} has one softmax`).toBe(1);
      expect(opTypes.MatMul, `${site.name}: q, k, v, out projections + 2 batched matmuls`).toBeGreaterThanOrEqual(4);
    }
  });
});

// Surgery on U-Nets our generator did not write: torch 1.13's own ONNX export (opset 14 and 17)
// of a diffusers-like U-Net, with torch's outputs as goldens (scripts/fixtures/export_torch_unet.py).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { readNpy } from './npy.ts';
import { splitUnet } from './surgery.ts';
import { createCpuSplitRunner } from './testing/cpu-split-runner.ts';
import { siteGrid } from '../sa/schedule.ts';

const DIR = join(import.meta.dirname, '__fixtures__', 'torch-unet');
interface ManifestSite {
  name: string;
  level: number;
  channels: number;
  heads: number;
  grid: Record<string, { h: number; w: number; n: number }>;
}
interface ManifestCase {
  key: string;
  height: number;
  width: number;
  files: Record<string, { file: string }>;
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { sites: ManifestSite[]; cases: ManifestCase[] };

function tensor(c: ManifestCase, key: string): ortNode.Tensor {
  const a = readNpy(new Uint8Array(readFileSync(join(DIR, c.files[key].file))));
  return new ortNode.Tensor('float32', a.data as Float32Array, a.shape);
}

describe.each([14, 17])('splitUnet on torch 1.13 export, opset %i', (opset) => {
  const bytes = new Uint8Array(readFileSync(join(DIR, `unet_opset${opset}.onnx`)));

  it('finds the 16 attn1 sites with the names, levels, channels and heads torch knows', () => {
    const { sites } = splitUnet(bytes);
    expect(sites.map((s) => ({ name: s.name, level: s.level, channels: s.channels, heads: s.heads }))).toEqual(
      manifest.sites.map((s) => ({ name: s.name, level: s.level, channels: s.channels, heads: s.heads })),
    );
    expect(new Set(sites.map((s) => s.style))).toEqual(new Set(['torch1']));
  });

  it.each(manifest.cases.map((c) => [c.key, c]))('%s: segments + reference sites (SA off) equal torch ≤1e-4', async (_key, c) => {
    const split = splitUnet(bytes);
    const runner = await createCpuSplitRunner(split);
    const feeds = { sample: tensor(c, 'sample'), timestep: tensor(c, 'timestep'), encoder_hidden_states: tensor(c, 'encoder_hidden_states') };
    const out = await runner.run(feeds, (site, N) => {
      const g = siteGrid(c.height, c.width, site.level);
      expect(g).toEqual({ h: manifest.sites[site.index].grid[c.key].h, w: manifest.sites[site.index].grid[c.key].w });
      expect(g.h * g.w).toBe(N);
      return { window: { active: false, reason: 'disabled', s: 0 }, ...g };
    });
    await runner.release();
    const golden = tensor(c, 'out_sample').data as Float32Array;
    const got = out.out_sample.data as Float32Array;
    let max = 0;
    for (let i = 0; i < golden.length; i++) max = Math.max(max, Math.abs(got[i] - golden[i]));
    expect(max).toBeLessThanOrEqual(1e-4);
  });
});

// sd15-narrow and sd2-narrow: the structural twins of sd15 / sd2 at test size, every style × dtype
// on the CPU EP (recorded statistics), style equivalence, and per-level heads as in the real models.
import { describe, expect, it } from 'vitest';
import { readModel } from '../onnx/model-file.ts';
import { PIPELINE_CONFIGS, headsAt } from './configs.ts';
import { allCases, STYLES, unetCase, unetModel, type RunOutput } from './testing/cases.ts';
import { maxAbsDiff } from './testing/cpu-run.ts';
import { expectRecordedStats } from './testing/expect-stats.ts';
import { GraphIndex } from './testing/graph-query.ts';

const results = new Map<string, Record<string, RunOutput>>();

describe.each(['sd15-narrow', 'sd2-narrow'] as const)('%s U-Net on onnxruntime CPU', (config) => {
  const cases = allCases().narrow.filter((c) => c.id.startsWith(`unet/${config}/`));

  it.each(cases.map((c) => [c.id, c] as const))('%s: finite, expected shape, recorded statistics', async (_id, c) => {
    const out = await c.run();
    results.set(c.id, out);
    expectRecordedStats(c.id, out);
  });

  it('the three styles give the same output to 1e-5 (fp32)', () => {
    const outs = STYLES.map((s) => results.get(unetCase(config, s, 'float32').id)!.out_sample.values);
    for (const o of outs.slice(1)) expect(maxAbsDiff(o, outs[0])).toBeLessThanOrEqual(1e-5);
  });

  it('MultiHeadAttention heads per level follow the config (SD2: head_dim 64 ⇒ 1/2/4/4)', () => {
    const u = PIPELINE_CONFIGS[config].unet;
    const g = new GraphIndex(readModel(unetModel(config, 'ort-fused', 'float32').model).model);
    const heads = g.nodes.filter((n) => n.opType === 'MultiHeadAttention').sort((a, b) => Number(a.name.split('_')[1]) - Number(b.name.split('_')[1]));
    const levels = [0, 0, 1, 1, 2, 2, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0]; // down ×6, mid, up ×9
    const expected = [...levels, ...levels].map((l) => headsAt(u, l));
    expect(heads.map((n) => g.attrInt(n, 'num_heads'))).toEqual(expected);
    if (config === 'sd2-narrow') expect(expected.slice(0, 7)).toEqual([1, 1, 2, 2, 4, 4, 4]);
    const projIn = g.nodes.find((n) => n.name.startsWith('/down_blocks.0/attentions.0/proj_in/'))!;
    expect(projIn.opType).toBe(u.useLinearProjection ? 'MatMul' : 'Conv');
  });
});

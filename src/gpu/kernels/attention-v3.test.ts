// Attention v3's tile choice (pure): register blocking per head_dim, which reduction, key tiles
// within the workgroup-memory budget; and the directive hoisting its module text needs.
import { describe, expect, it } from 'vitest';
import { attentionV3Source, attentionV3Tiling, hoistDirectives, v3Queries, v3WorkgroupBytes, type AttentionV3Request } from './attention-v3.ts';
import { KernelConfigError } from './dtype.ts';

const SUBGROUP_4: Omit<AttentionV3Request, 'headDim'> = { workgroupBytes: 32 * 1024, subgroups: true, subgroupMinSize: 4 };

describe('attentionV3Tiling', () => {
  it.each([
    // head_dim, split, rows, keys: 2 queries × ≤ 20 dims per thread where the split allows
    [40, 2, 2, 32],
    [64, 4, 2, 32],
    [80, 4, 2, 32], // K and V tiles 2·32·80·4 B = 20 KiB
  ])('head_dim %i on a 4-lane subgroup device', (headDim, split, rows, keys) => {
    const t = attentionV3Tiling({ ...SUBGROUP_4, headDim });
    expect(t).toMatchObject({ split, rows, keys, reduction: 'subgroup', workgroupSize: 128 });
    expect(v3WorkgroupBytes(headDim, t)).toBeLessThanOrEqual(32 * 1024);
  });

  it('head_dim 160: 4 threads per query at most on 4-lane subgroups (one query × 40 dims), 8 × 2 queries with 8 lanes', () => {
    expect(attentionV3Tiling({ ...SUBGROUP_4, headDim: 160 })).toMatchObject({ split: 4, rows: 1, keys: 16, reduction: 'subgroup' });
    expect(attentionV3Tiling({ ...SUBGROUP_4, subgroupMinSize: 8, headDim: 160 })).toMatchObject({ split: 8, rows: 2, reduction: 'subgroup' });
    expect(attentionV3Tiling({ ...SUBGROUP_4, subgroups: false, headDim: 160 })).toMatchObject({ split: 8, rows: 2, reduction: 'workgroup' });
  });

  it('takes the largest key tile of 32/16/8/4 whose K, V (and workgroup scratch) fit the budget', () => {
    expect(attentionV3Tiling({ ...SUBGROUP_4, headDim: 64, workgroupBytes: 16 * 1024 }).keys).toBe(32); // 2·32·64·4 = 16 KiB exactly
    // workgroup reduction at 16 KiB: 32 keys need 16 KiB K/V + 32 KiB scratch; 8 keys 4 + 8 KiB
    const t = attentionV3Tiling({ ...SUBGROUP_4, headDim: 64, workgroupBytes: 16 * 1024, reduction: 'workgroup' });
    expect(t.keys).toBe(8);
    expect(v3WorkgroupBytes(64, t)).toBe(4 * 2 * 8 * 64 + 4 * 8 * 2 * 128);
    expect(() => attentionV3Tiling({ ...SUBGROUP_4, headDim: 64, workgroupBytes: 1024 })).toThrow(KernelConfigError);
  });

  it('refuses the subgroup path where the device has none or a query needs more lanes than a subgroup', () => {
    expect(() => attentionV3Tiling({ ...SUBGROUP_4, subgroups: false, headDim: 40, reduction: 'subgroup' })).toThrow(/subgroups/);
    expect(() => attentionV3Tiling({ ...SUBGROUP_4, headDim: 320, reduction: 'subgroup' })).toThrow(/workgroup/);
    expect(() => attentionV3Tiling({ ...SUBGROUP_4, headDim: 42 })).toThrow(KernelConfigError);
  });

  it('queries per workgroup = threads / split · rows', () => {
    expect(v3Queries(attentionV3Tiling({ ...SUBGROUP_4, headDim: 40 }))).toBe(128);
    expect(v3Queries(attentionV3Tiling({ ...SUBGROUP_4, headDim: 64, rows: 4, workgroupSize: 64 }))).toBe(64);
  });
});

describe('v3 module text', () => {
  it('hoists enable directives above every declaration, f16 and subgroups alike', () => {
    const code = hoistDirectives('/* a */\nenable f16;\nalias V4 = vec4<f16>;\nconst X: u32 = 1u;\nenable subgroups;\nfn f() {}');
    expect(code.split('\n').slice(0, 2)).toEqual(['enable f16;', 'enable subgroups;']);
    expect(code).toContain('alias V4');
    expect(code.match(/enable/g)).toHaveLength(2);
  });

  it('the subgroup reduction brings `enable subgroups` and subgroupShuffleXor; the workgroup one neither', () => {
    const sg = attentionV3Source('f16-native', 64, attentionV3Tiling({ ...SUBGROUP_4, headDim: 64 }));
    expect(sg.startsWith('enable f16;\nenable subgroups;\n')).toBe(true);
    expect(sg).toContain('subgroupShuffleXor');
    expect(sg).toMatch(/const SPLIT: u32 = 4u;[\s\S]*const KEYS: u32 = 32u;/);
    const wg = attentionV3Source('f32', 64, attentionV3Tiling({ ...SUBGROUP_4, headDim: 64, reduction: 'workgroup' }));
    expect(wg).not.toMatch(/^enable subgroups;|subgroupShuffleXor\(/m);
    expect(wg).toContain('var<workgroup> scratch');
  });
});

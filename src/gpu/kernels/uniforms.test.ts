// Uniform layouts: each kernel's typed layout matches its shader's uniform struct field by field
// (names, scalar types, order), and a layout writes the struct's bytes from a named object.
import { describe, expect, it } from 'vitest';
import { AFFINE_PARAMS } from './affine.ts';
import { ATTENTION_PARAMS } from './attention.ts';
import { KernelConfigError } from './dtype.ts';
import { MATMUL_PARAMS } from './matmul.ts';
import { POOL_KV_PARAMS } from './pool-kv.ts';
import { REPACK_PARAMS } from './repack.ts';
import { uniformLayout, type UniformFields, type UniformLayout } from './uniforms.ts';

/** The struct behind a shader's one `var<uniform>`: its name and [field, type] in declaration order. */
function uniformStruct(wgsl: string): { struct: string; slots: [string, string][] } {
  const code = wgsl.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const uniforms = [...code.matchAll(/var<uniform>\s*\w+\s*:\s*(\w+)\s*;/g)];
  if (uniforms.length !== 1) throw new Error(`expected one var<uniform>, found ${uniforms.length}`);
  const struct = uniforms[0][1];
  const body = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(code);
  if (!body) throw new Error(`struct ${struct} not found`);
  const slots = body[1]
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f): [string, string] => {
      const [name, type] = f.split(':').map((s) => s.trim());
      return [name, type];
    });
  return { struct, slots };
}

const SHADERS: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>('../../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true })).map(([path, src]) => [path.split('/').pop(), src]),
);

const LAYOUTS: Record<string, UniformLayout<UniformFields>> = {
  'affine.wgsl': AFFINE_PARAMS,
  'attention.wgsl': ATTENTION_PARAMS,
  'attention_v3.wgsl': ATTENTION_PARAMS, // v3 shares v2's bindings and uniforms
  'matmul.wgsl': MATMUL_PARAMS,
  'pool_kv.wgsl': POOL_KV_PARAMS,
  'repack.wgsl': REPACK_PARAMS,
};

describe('kernel uniform layouts', () => {
  it('every shader with a uniform struct has a layout here', () => {
    const withUniforms = Object.keys(SHADERS).filter((f) => /var<uniform>/.test(SHADERS[f]));
    expect(withUniforms.sort()).toEqual(Object.keys(LAYOUTS).sort());
  });

  it.each(Object.entries(LAYOUTS))('%s: the layout lists its uniform struct’s fields in order', (file, layout) => {
    const { struct, slots } = uniformStruct(SHADERS[file]);
    expect(layout.struct).toBe(struct);
    expect(layout.slots).toEqual(slots);
  });

  it('a field order that drifted from the shader is seen', () => {
    const drifted = uniformLayout('Params', { rows: 'u32', ncols: 'u32', k: 'u32', ldx4: 'u32', ldw4: 'u32', col_w4: 'u32', ldy4: 'u32', col_y4: 'u32' });
    expect(drifted.slots).not.toEqual(uniformStruct(SHADERS['matmul.wgsl']).slots);
    expect(uniformStruct('struct P { a: u32, // x\n b: f32 }\n@group(0) @binding(0) var<uniform> p: P;').slots).toEqual([
      ['a', 'u32'],
      ['b', 'f32'],
    ]);
  });
});

describe('UniformLayout.pack', () => {
  const layout = uniformLayout('Params', { n: 'u32', _pad0: 'u32', off: 'i32', scale: 'f32', count: 'u32' });

  it('writes each field at its slot (f32 and i32 as their bits), padding zero, in whole 16-byte rows', () => {
    const words = layout.pack({ n: 7, off: -3, scale: 0.5, count: 2 ** 32 - 1 });
    expect(words.length).toBe(8);
    expect(Array.from(words)).toEqual([7, 0, 2 ** 32 - 3, 0x3f000000, 2 ** 32 - 1, 0, 0, 0]);
    expect(Array.from(uniformLayout('P', { a: 'u32' }).pack({ a: 9 }))).toEqual([9, 0, 0, 0]);
  });

  it('matches the words the attention kernel packed by index before the layouts', () => {
    const words = ATTENTION_PARAMS.pack({ n: 5, m: 3, q_ld4: 30, q_off4: 0, k_ld4: 30, k_off4: 10, v_ld4: 30, v_off4: 20, o_ld4: 10, o_off4: 0, scale_log2: 0.25 });
    const byIndex = new Uint32Array(16);
    byIndex.set([5, 3, 0, 0, 30, 0, 30, 10, 30, 20, 10, 0]);
    new Float32Array(byIndex.buffer)[12] = 0.25;
    expect(Array.from(words)).toEqual(Array.from(byIndex));
  });

  it.each([
    ['n', -1],
    ['n', 1.5],
    ['n', 2 ** 32],
    ['off', 2 ** 31],
    ['count', Number.NaN],
  ])('refuses %s = %s for its scalar type', (field, value) => {
    const values = { n: 1, off: 0, scale: 1, count: 1, [field]: value };
    expect(() => layout.pack(values)).toThrow(KernelConfigError);
  });

  it('types the values: every field but padding is required', () => {
    // @ts-expect-error count is missing
    expect(() => layout.pack({ n: 1, off: 0, scale: 1 })).toThrow(/Params\.count is a u32: got undefined/);
  });
});

import { describe, expect, it } from 'vitest';
import { ORT_SUBGROUP_MIN_SIZE, WANTED_FEATURES, wantFeature } from './device.ts';

const adapter = (features: string[], subgroupMinSize?: number) => ({ features: new Set(features), info: { subgroupMinSize } }) as unknown as GPUAdapter;
const wanted = (a: GPUAdapter, always = false) => WANTED_FEATURES.filter((f) => wantFeature(a, f, always));

describe('the shared device asks for subgroups only where ORT computes right with them', () => {
  const all = ['shader-f16', 'timestamp-query', 'subgroups', 'subgroup-size-control'];
  it('32-lane subgroups (NVIDIA, AMD, Apple): every wanted feature', () => {
    expect(wanted(adapter(all, 32))).toEqual(all);
  });
  it(`narrower than ${ORT_SUBGROUP_MIN_SIZE} lanes (SwiftShader 4, lavapipe 8) or unknown: no subgroups, unless a kernels-only device asks`, () => {
    for (const min of [4, 8, undefined]) {
      expect(wanted(adapter(all, min))).toEqual(['shader-f16', 'timestamp-query']);
      expect(wanted(adapter(all, min), true)).toEqual(all);
    }
  });
  it('never a feature the adapter lacks', () => {
    expect(wanted(adapter(['timestamp-query'], 32), true)).toEqual(['timestamp-query']);
  });
});

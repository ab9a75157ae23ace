// SA presets: each is a valid, complete SaParams, and each says what the author's notes
// (SPEC_SA.md §6) say it should relative to the defaults.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, normalizeSaParams } from '../sa/index.ts';
import { SA_PRESETS, SA_PRESET_IDS, findSaPreset, isSaPresetId, matchingSaPresets } from './sa-presets.ts';

const preset = (id: string) => findSaPreset(id)!.params;

describe('SA presets', () => {
  it.each(SA_PRESETS.map((p) => [p.id, p] as const))('%s is a complete, valid SaParams with a one-sentence description', (_id, p) => {
    expect(normalizeSaParams(p.params)).toEqual({ params: p.params, notices: [] });
    expect(p.description).toMatch(/^[A-Z].*\.$/);
    expect(p.description.split(/\.\s/).length).toBe(1);
    expect(p.label.length).toBeGreaterThan(2);
  });

  it('has unique ids, the default first, and the defaults as "default"', () => {
    expect(new Set(SA_PRESET_IDS).size).toBe(SA_PRESETS.length);
    expect(SA_PRESET_IDS[0]).toBe('default');
    expect(preset('default')).toEqual(DEFAULT_SA_PARAMS);
    expect(isSaPresetId('second-pass')).toBe(true);
    expect(isSaPresetId('nope')).toBe(false);
    expect(findSaPreset('nope')).toBeUndefined();
  });

  it('follows the author advice relative to the defaults', () => {
    const d = DEFAULT_SA_PARAMS;
    const second = preset('second-pass');
    expect(second.in.strength).toBeGreaterThan(d.in.strength);
    expect(second.out.strength).toBeGreaterThan(d.out.strength);
    expect(second.time_decay).toBeLessThan(d.time_decay);
    const detail = preset('detail-preserving');
    expect(detail.time_decay).toBeGreaterThan(d.time_decay);
    expect(detail.in.depth_decay).toBeGreaterThan(d.in.depth_decay);
    const gentle = preset('txt2img-gentle');
    expect(gentle.in.strength).toBeLessThan(d.in.strength);
    expect(gentle.in.depth_decay).toBeGreaterThan(d.in.depth_decay);
    const contrast = preset('high-contrast');
    expect([contrast.in.mode, contrast.out.mode]).toEqual(['2D_MAX', '2D_MAX']);
    expect(contrast.in.v_blend).toBeGreaterThan(0);
    expect(contrast.in.v_blend).toBeLessThanOrEqual(0.5);
    expect(contrast.in.k_blend).toBe(contrast.in.v_blend); // very different blends break images
    expect(preset('composition-change').in.depth_decay).toBeLessThan(d.in.depth_decay);
    expect(preset('off').enabled).toBe(false);
  });

  it('matches parameters back to the presets that equal them', () => {
    expect(matchingSaPresets(DEFAULT_SA_PARAMS)).toEqual(['default']);
    expect(matchingSaPresets({ ...preset('second-pass') })).toEqual(['second-pass']);
    expect(matchingSaPresets({ ...DEFAULT_SA_PARAMS, peak_time: 0.41 })).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(preset('high-contrast').in)).toBe(true);
    expect(Object.isFrozen(SA_PRESETS)).toBe(true);
  });
});

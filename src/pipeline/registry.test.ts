import { describe, expect, it } from 'vitest';
import { MODEL_REGISTRY, SD_SIZE_MULTIPLE, sizeRefusal } from './registry.ts';

const tiny = MODEL_REGISTRY.find((e) => e.id === 'tiny')!;
const fixed = MODEL_REGISTRY.find((e) => e.needs.fixedSize)!;

describe('sizeRefusal', () => {
  it('every size 64…512 in steps of 8: allowed exactly when both sides are multiples of 64', () => {
    let allowed = 0;
    for (let w = 64; w <= 512; w += 8) {
      for (let h = 64; h <= 512; h += 8) {
        const why = sizeRefusal(tiny, w, h);
        expect(why === undefined, `${w}×${h}`).toBe(w % 64 === 0 && h % 64 === 0);
        if (why) expect(why).toMatch(/^Width and height must be multiples of 64 .* try \d+×\d+\.$/);
        else allowed++;
      }
    }
    expect(allowed).toBe(8 * 8);
    expect(SD_SIZE_MULTIPLE).toBe(64);
  });

  it('suggests the nearest allowed size, and refuses what is not a multiple of 8 or not the fixed export size', () => {
    expect(sizeRefusal(tiny, 72, 136)).toContain('try 64×128.');
    expect(sizeRefusal(tiny, 8, 1000)).toContain('try 64×1024.');
    expect(sizeRefusal(tiny, 100, 128)).toBe('Width and height must be multiples of 8 (got 100×128).');
    expect(sizeRefusal(fixed, 512, 512)).toBeUndefined();
    expect(sizeRefusal(fixed, 512, 256)).toMatch(/512×512 only/);
  });
});

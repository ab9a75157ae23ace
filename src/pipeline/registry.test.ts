import { describe, expect, it } from 'vitest';
import { sdUnetSites } from '../sa/index.ts';
import { MAX_SINGLE_FILE_BYTES, MODEL_REGISTRY, refusalReason, SD_SIZE_MULTIPLE, sizeRefusal } from './registry.ts';

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

describe('SDXL entries', () => {
  const xl = MODEL_REGISTRY.filter((e) => e.id.startsWith('sdxl-'));
  const caps = { shaderF16: true, maxBufferSize: 256 * 2 ** 20 };

  it('three SDXL-Lightning exports: fp16 (shader-f16), 1024², Euler, 4 steps', () => {
    expect(xl.map((e) => e.id)).toEqual(['sdxl-lightning-4step-3shard', 'sdxl-lightning-4step', 'sdxl-lightning-d0gr']);
    for (const e of xl) {
      expect([e.needs.shaderF16, e.defaults.width, e.defaults.height, e.defaults.scheduler, e.defaults.steps]).toEqual([true, 1024, 1024, 'euler', 4]);
      expect(sizeRefusal(e, e.defaults.width, e.defaults.height)).toBeUndefined();
      expect(refusalReason(e, { ...caps, shaderF16: false })).toMatch(/shader-f16/);
      expect(sdUnetSites(e.unet).length).toBe(70);
    }
  });

  it('a single weights file over 4 GiB is refused with a reason; the sharded export is not', () => {
    const single = xl.find((e) => e.id === 'sdxl-lightning-4step')!;
    expect(single.needs.largestFileBytes).toBeGreaterThan(MAX_SINGLE_FILE_BYTES);
    expect(refusalReason(single, caps)).toMatch(/^SDXL-Lightning 4-step .* keeps 4\.8 GB of weights in one file; onnxruntime-web cannot load a single file over 4 GiB/);
    expect(refusalReason(xl.find((e) => e.id === 'sdxl-lightning-4step-3shard')!, caps)).toBeUndefined();
  });

  it('SDXL sizes are multiples of 32 (two halvings), not 64', () => {
    const e = xl[0];
    expect(sizeRefusal(e, 800, 1216)).toBeUndefined();
    expect(sizeRefusal(tiny, 800, 1216)).toMatch(/multiples of 64/);
    expect(sizeRefusal(e, 1000, 1024)).toBe("Width and height must be multiples of 32 for this model's U-Net (it halves the latent twice and doubles it back); 1000×1024 is not — try 992×1024.");
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latentRgbFor, latentToRgba, SD_LATENT_RGB, SDXL_LATENT_RGB, type LatentRgbMap } from './latent-preview.ts';

const pixel = (img: { data: Uint8ClampedArray }, i: number) => Array.from(img.data.subarray(i * 4, i * 4 + 4));

describe('latentToRgba', () => {
  // z: [4, 1, 2] planar; pixel 0 = (1, 0, 0, 0), pixel 1 = (0.5, −0.5, 1, 2)
  const z = new Float32Array([1, 0.5, 0, -0.5, 0, 1, 0, 2]);

  it('SD 1.x/2.x factors, worked by hand: one channel picks its row; a mix clamps at −1', () => {
    const img = latentToRgba(z, 1, 2, SD_LATENT_RGB);
    expect([img.width, img.height]).toEqual([2, 1]);
    // pixel 0: (0.3512, 0.2297, 0.3227) → round((v + 1) · 127.5) = 172, 157, 169
    expect(pixel(img, 0)).toEqual([172, 157, 169, 255]);
    // pixel 1: r = 0.1756 − 0.1625 − 0.2829 − 0.424 = −0.6938 → 39
    //          g = 0.11485 − 0.2487 + 0.1762 − 0.5232 = −0.48085 → 66
    //          b = 0.16135 − 0.1175 + 0.2721 − 1.4354 = −1.11945 → clamped to −1 → 0
    expect(pixel(img, 1)).toEqual([39, 66, 0, 255]);
  });

  it('SDXL adds its bias: zero latents give the bias colour (141, 125, 127)', () => {
    const img = latentToRgba(new Float32Array(4), 1, 1, SDXL_LATENT_RGB);
    expect(pixel(img, 0)).toEqual([141, 125, 127, 255]);
  });

  it('reads batch row 0 of a longer buffer and refuses a short one', () => {
    const two = new Float32Array(16).fill(9);
    two.set(new Float32Array(8));
    expect(pixel(latentToRgba(two, 1, 2, SD_LATENT_RGB), 1)).toEqual([128, 128, 128, 255]);
    expect(() => latentToRgba(new Float32Array(7), 1, 2, SD_LATENT_RGB)).toThrow(RangeError);
  });
});

describe('latentRgbFor', () => {
  const own = { factors: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]], bias: [0.1, 0.2, 0.3] };

  it('SD 1.x/2.x by default, SDXL for its scaling factor', () => {
    expect(latentRgbFor({ scaling_factor: 0.18215 })).toBe(SD_LATENT_RGB);
    expect(latentRgbFor({})).toBe(SD_LATENT_RGB);
    expect(latentRgbFor({ scaling_factor: 0.13025 })).toBe(SDXL_LATENT_RGB);
  });

  it("a model's own fit wins when well-formed for its channel count; a malformed one is ignored", () => {
    const m: LatentRgbMap = latentRgbFor({ scaling_factor: 0.13025, _latent_preview: own });
    expect(m).toEqual({ source: 'model', factors: own.factors, bias: own.bias });
    expect(latentRgbFor({ _latent_preview: { ...own, factors: own.factors.slice(0, 3) } })).toBe(SD_LATENT_RGB);
    expect(latentRgbFor({ _latent_preview: { ...own, bias: [0, 'x', 0] } })).toBe(SD_LATENT_RGB);
    expect(latentRgbFor({ _latent_preview: own }, 3)).toBe(SD_LATENT_RGB);
  });

  it('the embedded toy model carries its own fit (its VAE is not SD’s)', () => {
    const config = JSON.parse(readFileSync('public/models/toy/vae_decoder/config.json', 'utf8')) as Record<string, unknown>;
    expect(latentRgbFor(config).source).toBe('model');
  });
});

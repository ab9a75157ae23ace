// Step previews: latents → a small RGB picture by a linear map per latent pixel ("latent2rgb",
// ComfyUI's Latent2RGB previewer and A1111's "Approx cheap"), one RGB pixel per latent pixel,
// upscaled for display by whoever shows it. The one place the factors live. Pure.
//
// The map: rgb = Σ_c z_c · factors[c] + bias, in the VAE's image range [−1, 1], where z is the
// latent the U-Net sees (already × the VAE's scaling_factor, as in ComfyUI's sampler space);
// byte = round((clamp(rgb, −1, 1) + 1) · 127.5).
//
// Sources (the numbers, read 2026-12-07; the code here is our own):
// - SD 1.x / 2.x (both use the same VAE): ComfyUI comfy/latent_formats.py, class SD15,
//   latent_rgb_factors (no bias), commit 040a3243468ecefd1f2802592d90458f1ce4d65f. A1111's
//   modules/sd_vae_approx.py cheap_approximation() uses an older fit of the same map
//   ([0.298, 0.207, 0.208], …), which ComfyUI used too before replacing it with these.
// - SDXL (its own VAE, scaling_factor 0.13025): same file, class SDXL, latent_rgb_factors and
//   latent_rgb_factors_bias.
// - A model may carry its own fit in vae_decoder/config.json under "_latent_preview"
//   ({factors: 4×[r, g, b], bias: [r, g, b]}): the embedded toy model does
//   (scripts/toy-model/fit-latent-rgb.ts, least squares on its own VAE).
import type { ImageRgba } from './rgba.ts';

type Rgb = readonly [number, number, number];

export interface LatentRgbMap {
  /** where the numbers come from: 'sd', 'sdxl' or 'model' (the model's own fit) */
  source: 'sd' | 'sdxl' | 'model';
  /** per latent channel, its contribution to [r, g, b] */
  factors: readonly Rgb[];
  bias: Rgb;
}

export const SD_LATENT_RGB: LatentRgbMap = {
  source: 'sd',
  factors: [
    [0.3512, 0.2297, 0.3227],
    [0.325, 0.4974, 0.235],
    [-0.2829, 0.1762, 0.2721],
    [-0.212, -0.2616, -0.7177],
  ],
  bias: [0, 0, 0],
};

export const SDXL_LATENT_RGB: LatentRgbMap = {
  source: 'sdxl',
  factors: [
    [0.3651, 0.4232, 0.4341],
    [-0.2533, -0.0042, 0.1068],
    [0.1076, 0.1111, -0.0362],
    [-0.3165, -0.2492, -0.2188],
  ],
  bias: [0.1084, -0.0175, -0.0011],
};

/** SDXL's VAE scaling_factor: how a diffusers config tells its latent space from SD 1.x/2.x's (0.18215). */
export const SDXL_SCALING_FACTOR = 0.13025;

const isRgb = (x: unknown): x is Rgb => Array.isArray(x) && x.length === 3 && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/**
 * The map for a model, from its vae_decoder/config.json: its own fit ("_latent_preview") when it
 * has a well-formed one for `channels` latent channels, else SDXL's factors for SDXL's scaling
 * factor, else SD 1.x/2.x's.
 */
export function latentRgbFor(vaeConfig: Record<string, unknown>, channels = 4): LatentRgbMap {
  const own = vaeConfig._latent_preview as { factors?: unknown; bias?: unknown } | undefined;
  if (own && Array.isArray(own.factors) && own.factors.length === channels && own.factors.every(isRgb) && isRgb(own.bias)) {
    return { source: 'model', factors: own.factors, bias: own.bias };
  }
  return Number(vaeConfig.scaling_factor) === SDXL_SCALING_FACTOR ? SDXL_LATENT_RGB : SD_LATENT_RGB;
}

/**
 * latents z: [C, h, w] (batch row 0) → an h×w RGBA image through `map` (C = map.factors.length).
 * Cost: 3·C multiply-adds per latent pixel (64×64 latents: ~50k, well under a millisecond).
 */
export function latentToRgba(z: Float32Array, h: number, w: number, map: LatentRgbMap): ImageRgba {
  const C = map.factors.length;
  const plane = h * w;
  if (z.length < C * plane) throw new RangeError(`latentToRgba: ${C}×${h}×${w} latents need ${C * plane} values, got ${z.length}.`);
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      let v = map.bias[k];
      for (let c = 0; c < C; c++) v += z[c * plane + i] * map.factors[c][k];
      data[i * 4 + k] = Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
    }
    data[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

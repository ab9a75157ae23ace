// Full-size sd15 / sd2 are too big to run in unit tests (3.4 GB fp32); their graphs are built with
// weights declared but not made, and checked against the real models' parameter counts — an
// independent reference for the architecture (diffusers / transformers report these numbers).
import { describe, expect, it } from 'vitest';
import { PIPELINE_CONFIGS } from './configs.ts';
import { unetGraphOnly } from './unet.ts';
import { textEncoderGraph } from './text-encoder.ts';
import { vaeDecoderGraph, vaeEncoderGraph } from './vae.ts';
import { ATTENTION_STYLES } from './attention.ts';
import type { ExportGraph } from './export-graph.ts';

/** Parameters = declared weights minus exporter constants (InstanceNorm's 1/0 vectors, the time_proj table). */
function parameters(g: ExportGraph): number {
  return g
    .weightTensors()
    .filter((t) => !/^onnx::InstanceNormalization_/.test(t.name) && !/_qkv_bias$/.test(t.name) && !(t.dims.length === 2 && t.dims[0] === 1n))
    .reduce((s, t) => s + t.dims.reduce((a, d) => a * Number(d), 1), 0);
}

describe('full-size architectures', () => {
  it.each([
    ['sd15', 859_520_964],
    ['sd2', 865_910_724],
  ] as const)('%s U-Net has the real parameter count in every style', (name, count) => {
    for (const attention of ATTENTION_STYLES) {
      expect(parameters(unetGraphOnly(PIPELINE_CONFIGS[name].unet, { attention, dtype: 'float16', seed: 1 })), attention).toBe(count);
    }
  });

  // SDXL base: U-Net 2,567,463,684 and text_encoder_2 694,659,840 (as diffusers / transformers count
  // them; the numbers are quoted in many public repos' notes, e.g. parameter tables for
  // stabilityai/stable-diffusion-xl-base-1.0 and its safetensors header: 1680 U-Net tensors)
  it('sdxl U-Net has the SDXL base parameter count (torch2 and ort-fused)', () => {
    for (const attention of ['torch2', 'ort-fused'] as const) {
      expect(parameters(unetGraphOnly(PIPELINE_CONFIGS.sdxl.unet, { attention, dtype: 'float16', seed: 1 })), attention).toBe(2_567_463_684);
    }
  });

  it('sdxl text encoders: CLIP ViT-L and OpenCLIP bigG with its projection', () => {
    expect(parameters(textEncoderGraph(PIPELINE_CONFIGS.sdxl.text, { dtype: 'float32', seed: 1, outputHiddenStates: true }))).toBe(123_060_480);
    expect(parameters(textEncoderGraph(PIPELINE_CONFIGS.sdxl.text2!, { dtype: 'float32', seed: 1, outputHiddenStates: true }))).toBe(694_659_840);
  });

  it('text encoders: CLIP ViT-L (SD1.5) and OpenCLIP ViT-H, 23 layers (SD2)', () => {
    expect(parameters(textEncoderGraph(PIPELINE_CONFIGS.sd15.text, { dtype: 'float32', seed: 1 }))).toBe(123_060_480);
    expect(parameters(textEncoderGraph(PIPELINE_CONFIGS.sd2.text, { dtype: 'float32', seed: 1 }))).toBe(340_387_840);
  });

  it('VAE encoder + decoder = AutoencoderKL', () => {
    const v = PIPELINE_CONFIGS.sd15.vae;
    const n = parameters(vaeDecoderGraph(v, { dtype: 'float32', seed: 1 })) + parameters(vaeEncoderGraph(v, { dtype: 'float32', seed: 1 }));
    expect(n).toBe(83_653_863);
  });
});

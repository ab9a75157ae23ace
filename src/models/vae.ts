// Synthetic SD VAEs (AutoencoderKL) in diffusers' ONNX export form: the decoder
// (`latent_sample` [B,4,h,w] → `sample` [B,3,8h,8w]: post_quant_conv, decoder conv_in, mid block
// with one single-head attention, UpDecoderBlock2D ×4, conv_norm_out/act/out) and the encoder for
// img2img (`sample` → `latent_sample`: encoder, quant_conv). Deviation from diffusers' export: the
// encoder returns the latent distribution's mean (mode) instead of a random sample, so it is
// deterministic — the pipeline adds noise itself.
import { ExportGraph, type FloatType } from './export-graph.ts';
import type { VaeConfig } from './configs.ts';
import { attention } from './attention.ts';
import { conv2d, dimOf, groupNorm, reshapeTo, silu } from './layers.ts';
import { downsample, resnet, upsample, type BlockContext } from './unet-blocks.ts';
import { finishModel, type BuiltModel } from './unet.ts';

export interface VaeOptions {
  dtype: FloatType;
  seed: number;
  external?: boolean;
  /** the external blob's name (default weights.pb) */
  externalLocation?: string;
}

function context(g: ExportGraph, v: VaeConfig): BlockContext {
  return { g, style: 'torch2', ort: { mha: { self: 0, cross: 0 }, qkv: 0, kv: 0, attention: 0 }, groups: v.normGroups, rescaleDiv: true, eps: 1e-6 };
}

/** Attention on a [B, C, H, W] map (AttnProcessor2_0's 4-D path, group_norm, residual, one head). */
function vaeAttention(c: BlockContext, x: string, ch: number): string {
  const g = c.g;
  return g.scope('attentions.0', () => {
    const [b, h, w] = [dimOf(g, x, 0), dimOf(g, x, 2), dimOf(g, x, 3)];
    const tokens = g.op('Transpose', [reshapeTo(g, x, [b, ch, g.op('Mul', [h, w])])], { perm: [0, 2, 1] }); // [B, HW, C]
    const normed = g.op('Transpose', [groupNorm(g, g.op('Transpose', [tokens], { perm: [0, 2, 1] }), 'group_norm', ch, c.groups, 1e-6, 3)], { perm: [0, 2, 1] });
    const o = attention(g, normed, undefined, { dim: ch, heads: 1, qkvBias: true, style: 'torch2', rescaleDiv: false });
    const grid = reshapeTo(g, g.op('Transpose', [o], { perm: [0, 2, 1] }), [b, ch, h, w]);
    return g.op('Div', [g.op('Add', [grid, x]), g.constF([1], { scalar: true })]);
  });
}

function midBlock(c: BlockContext, x: string, ch: number): string {
  return c.g.scope('mid_block', () => {
    const h = resnet(c, x, 'resnets.0', ch, ch);
    return resnet(c, vaeAttention(c, h, ch), 'resnets.1', ch, ch);
  });
}

function tail(c: BlockContext, x: string, cin: number, cout: number): string {
  const g = c.g;
  const h = groupNorm(g, x, 'conv_norm_out', cin, c.groups, 1e-6);
  return conv2d(g, g.scope('conv_act', () => silu(g, h)), 'conv_out', cin, cout, 3);
}

export function buildVaeDecoder(v: VaeConfig, opts: VaeOptions): BuiltModel {
  return finishModel(vaeDecoderGraph(v, opts), 'main_graph', opts.external, opts.externalLocation);
}

export function buildVaeEncoder(v: VaeConfig, opts: VaeOptions): BuiltModel {
  return finishModel(vaeEncoderGraph(v, opts), 'main_graph', opts.external);
}

/** The decoder's graph with weights declared, not made. */
export function vaeDecoderGraph(v: VaeConfig, opts: VaeOptions): ExportGraph {
  const g = new ExportGraph(opts.seed, opts.dtype, 5000);
  const c = context(g, v);
  const chs = [...v.blockOutChannels].reverse();
  const z = g.b.input({ name: 'latent_sample', dataType: g.dt, dims: ['batch', 'channels', 'height', 'width'] });
  let h = conv2d(g, z, 'post_quant_conv', v.latentChannels, v.latentChannels, 1);
  h = g.scope('decoder', () => {
    let x = midBlock(c, conv2d(g, h, 'conv_in', v.latentChannels, chs[0], 3), chs[0]);
    let prev = chs[0];
    chs.forEach((out, i) => {
      x = g.scope(`up_blocks.${i}`, () => {
        let y = x;
        for (let j = 0; j <= v.layersPerBlock; j++) y = resnet(c, y, `resnets.${j}`, j ? out : prev, out);
        return i < chs.length - 1 ? upsample(c, y, out) : y;
      });
      prev = out;
    });
    return tail(c, x, chs[chs.length - 1], v.inChannels);
  });
  g.renameOutput(h, 'sample');
  g.b.output({ name: 'sample', dataType: g.dt, dims: ['batch', v.inChannels, 'height_out', 'width_out'] });
  return g;
}

/** The encoder's graph with weights declared, not made. */
export function vaeEncoderGraph(v: VaeConfig, opts: VaeOptions): ExportGraph {
  const g = new ExportGraph(opts.seed, opts.dtype, 6000);
  const c = context(g, v);
  const chs = v.blockOutChannels;
  const img = g.b.input({ name: 'sample', dataType: g.dt, dims: ['batch', 'channels', 'height', 'width'] });
  const moments = g.scope('encoder', () => {
    let x = conv2d(g, img, 'conv_in', v.inChannels, chs[0], 3);
    let prev = chs[0];
    chs.forEach((out, i) => {
      x = g.scope(`down_blocks.${i}`, () => {
        let y = x;
        for (let j = 0; j < v.layersPerBlock; j++) y = resnet(c, y, `resnets.${j}`, j ? out : prev, out);
        return i < chs.length - 1 ? downsample(c, y, out, true) : y;
      });
      prev = out;
    });
    x = midBlock(c, x, prev);
    return tail(c, x, prev, 2 * v.latentChannels);
  });
  const q = conv2d(g, moments, 'quant_conv', 2 * v.latentChannels, 2 * v.latentChannels, 1);
  // DiagonalGaussianDistribution: mean, logvar = chunk(moments, 2, dim=1); mode() = mean
  const mean = g.op('Slice', [q, g.constI64([0]), g.constI64([v.latentChannels]), g.constI64([1])]);
  g.renameOutput(mean, 'latent_sample');
  g.b.output({ name: 'latent_sample', dataType: g.dt, dims: ['batch', v.latentChannels, 'height_latent', 'width_latent'] });
  return g;
}


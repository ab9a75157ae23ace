// The U-Net's building blocks after diffusers (resnet.py, transformer_2d.py, attention.py),
// written in torch.onnx.export's form: ResnetBlock2D, Transformer2DModel with BasicTransformerBlock
// (attn1 self-attention, attn2 cross-attention, GEGLU feed-forward), Downsample2D, Upsample2D.
import { DataType } from '../onnx/proto.ts';
import type { ExportGraph } from './export-graph.ts';
import { attention, type AttentionStyle, type OrtNameCounters } from './attention.ts';
import { chunk2, conv2d, dimOf, gelu, gemm, groupNorm, layerNorm, linear, reshapeTo, silu } from './layers.ts';

export interface BlockContext {
  g: ExportGraph;
  style: AttentionStyle;
  ort: OrtNameCounters;
  groups: number;
  /** SiLU(temb) is computed per resnet; undefined in the VAE (no time embedding). */
  temb?: { value: string; channels: number };
  /** Divide residual sums by output_scale_factor / rescale_output_factor (1.0) as diffusers does. */
  rescaleDiv: boolean;
  eps: number;
}

/** ResnetBlock2D: norm1 → SiLU → conv1 (+ time_emb_proj) → norm2 → SiLU → conv2, + shortcut, / 1. */
export function resnet(c: BlockContext, x: string, module: string, cin: number, cout: number): string {
  const g = c.g;
  return g.scope(module, () => {
    const act = (v: string) => g.scope('nonlinearity', () => silu(g, v));
    let h = conv2d(g, act(groupNorm(g, x, 'norm1', cin, c.groups, c.eps)), 'conv1', cin, cout, 3);
    if (c.temb) {
      const t = gemm(g, act(c.temb.value), 'time_emb_proj', c.temb.channels, cout); // [B, cout]
      h = g.op('Add', [h, g.op('Unsqueeze', [t, g.constI64([2, 3])])]); // temb[:, :, None, None]
    }
    h = conv2d(g, act(groupNorm(g, h, 'norm2', cout, c.groups, c.eps)), 'conv2', cout, cout, 3);
    const shortcut = cin !== cout ? conv2d(g, x, 'conv_shortcut', cin, cout, 1) : x;
    const sum = g.op('Add', [shortcut, h]);
    return c.rescaleDiv ? g.op('Div', [sum, g.constF([1], { scalar: true })]) : sum;
  });
}

/** BasicTransformerBlock: x + attn1(norm1 x), + attn2(norm2 x, ctx), + ff(norm3 x) with GEGLU. */
function basicTransformerBlock(c: BlockContext, x: string, ctx: string, dim: number, heads: number, ctxDim: number): string {
  const g = c.g;
  const rescaleDiv = c.rescaleDiv;
  const n1 = layerNorm(g, x, 'norm1', dim);
  const a1 = g.scope('attn1', () => attention(g, n1, undefined, { dim, heads, style: c.style, rescaleDiv }, c.ort));
  let h = g.op('Add', [a1, x]);
  const n2 = layerNorm(g, h, 'norm2', dim);
  const a2 = g.scope('attn2', () => attention(g, n2, ctx, { dim, heads, contextDim: ctxDim, style: c.style, rescaleDiv }, c.ort));
  h = g.op('Add', [a2, h]);
  const n3 = layerNorm(g, h, 'norm3', dim);
  const ff = g.scope('ff', () => {
    const inner = 4 * dim;
    const gated = g.scope('net.0', () => {
      const [hs, gate] = chunk2(g, linear(g, n3, 'proj', dim, 2 * inner));
      return g.op('Mul', [hs, gelu(g, gate)]);
    });
    return linear(g, gated, 'net.2', inner, dim);
  });
  return g.op('Add', [ff, h]);
}

/**
 * Transformer2DModel: GroupNorm → proj_in → transformer_blocks.0 … depth−1 → proj_out, + residual
 * (SD 1.x/2.x: depth 1; SDXL: 2 or 10 blocks between one proj_in and one proj_out).
 */
export function transformer2d(c: BlockContext, x: string, module: string, ctx: string, dim: number, heads: number, ctxDim: number, linearProj: boolean, depth = 1): string {
  const g = c.g;
  return g.scope(module, () => {
    const [b, hh, ww] = [dimOf(g, x, 0), dimOf(g, x, 2), dimOf(g, x, 3)];
    const hw = g.op('Mul', [hh, ww]);
    let h = groupNorm(g, x, 'norm', dim, c.groups, 1e-6);
    const toTokens = (v: string) => reshapeTo(g, g.op('Transpose', [v], { perm: [0, 2, 3, 1] }), [b, hw, dim]); // [B, HW, C]
    const toGrid = (v: string) => g.op('Transpose', [reshapeTo(g, v, [b, hh, ww, dim])], { perm: [0, 3, 1, 2] }); // [B, C, H, W]
    if (linearProj) h = linear(g, toTokens(h), 'proj_in', dim, dim);
    else h = toTokens(conv2d(g, h, 'proj_in', dim, dim, 1));
    for (let i = 0; i < depth; i++) h = g.scope(`transformer_blocks.${i}`, () => basicTransformerBlock(c, h, ctx, dim, heads, ctxDim));
    h = linearProj ? toGrid(linear(g, h, 'proj_out', dim, dim)) : conv2d(g, toGrid(h), 'proj_out', dim, dim, 1);
    return g.op('Add', [h, x]);
  });
}

/** Downsample2D: a stride-2 3×3 conv (padding 1; the VAE encoder pads (0,1,0,1) itself and uses padding 0). */
export function downsample(c: BlockContext, x: string, channels: number, asymmetricPad = false): string {
  const g = c.g;
  return g.scope('downsamplers.0', () => {
    if (!asymmetricPad) return conv2d(g, x, 'conv', channels, channels, 3, 2, 1);
    const padded = g.op('Pad', [x, g.constI64([0, 0, 0, 0, 0, 0, 1, 1]), g.constF([0], { scalar: true })], { mode: 'constant' });
    return conv2d(g, padded, 'conv', channels, channels, 3, 2, 0);
  });
}

/** Upsample2D: nearest ×2 (Resize, as F.interpolate exports) → 3×3 conv. */
export function upsample(c: BlockContext, x: string, channels: number): string {
  const g = c.g;
  return g.scope('upsamplers.0', () => {
    const roi = g.constF([], { dataType: DataType.FLOAT });
    const scales = g.constF([1, 1, 2, 2], { dataType: DataType.FLOAT });
    const up = g.op('Resize', [x, roi, scales], { coordinate_transformation_mode: 'asymmetric', cubic_coeff_a: { float: -0.75 }, mode: 'nearest', nearest_mode: 'floor' });
    return conv2d(g, up, 'conv', channels, channels, 3);
  });
}

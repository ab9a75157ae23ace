// diffusers' Attention (to_q/to_k/to_v/to_out.0) written in one of three export styles; the node
// patterns are documented at the top of unet.ts. All three compute the same function with the
// same weights (streams keyed by parameter name), so their outputs agree to float rounding.
import { DataType } from '../onnx/proto.ts';
import type { ExportGraph } from './export-graph.ts';
import { dimOf, INIT_GAIN, lastDimOf, linear, reshapeTo } from './layers.ts';

export type AttentionStyle = 'torch2' | 'torch1' | 'ort-fused' | 'ort-attention' | 'ort-mha';
export const ATTENTION_STYLES: readonly AttentionStyle[] = ['torch2', 'torch1', 'ort-fused', 'ort-attention', 'ort-mha'];

/** Styles written by ORT's transformers optimizer (fused attention; its remove_useless_div drops Div-by-1). */
export function isOrtStyle(style: AttentionStyle): boolean {
  return style.startsWith('ort-');
}

export interface AttentionSpec {
  /** Query (and output) width. */
  dim: number;
  heads: number;
  /** Width of the context for cross-attention (attn2); omitted for self-attention. */
  contextDim?: number;
  /** Bias on to_q/to_k/to_v (the VAE's attention has them; the U-Net's do not). */
  qkvBias?: boolean;
  style: AttentionStyle;
  /** Divide the output by rescale_output_factor (1.0) as diffusers does; ORT's optimizer removes it. */
  rescaleDiv?: boolean;
}

/** Counters of ORT's optimizer names: self-attention is fused first, then cross-attention. */
export interface OrtNameCounters {
  mha: { self: number; cross: number };
  qkv: number;
  kv: number;
  /** com.microsoft Attention nodes (ort-attention's self-attention) */
  attention: number;
}

/** Emits an attention module in the current scope (e.g. `…/attn1`); returns its output [B, N, dim]. */
export function attention(g: ExportGraph, x: string, context: string | undefined, spec: AttentionSpec, ort?: OrtNameCounters): string {
  let out: string;
  if (isOrtStyle(spec.style)) {
    if (!ort) throw new Error(`${spec.style} attention needs the ORT name counters.`);
    out = spec.style === 'ort-fused' ? fusedCore(g, x, context, spec, ort) : unpackedCore(g, x, context, spec, ort);
  } else {
    out = spec.style === 'torch2' ? torch2Core(g, x, context, spec) : torch1Core(g, x, context, spec);
  }
  const y = linear(g, out, 'to_out.0', spec.dim, spec.dim, true);
  return spec.rescaleDiv !== false && !isOrtStyle(spec.style) ? g.op('Div', [y, g.constF([1], { scalar: true })]) : y;
}

function projections(g: ExportGraph, x: string, context: string | undefined, spec: AttentionSpec): [string, string, string] {
  const kvIn = context ?? x;
  const kvDim = spec.contextDim ?? spec.dim;
  const bias = spec.qkvBias ?? false;
  return [
    linear(g, x, 'to_q', spec.dim, spec.dim, bias),
    linear(g, kvIn, 'to_k', kvDim, spec.dim, bias),
    linear(g, kvIn, 'to_v', kvDim, spec.dim, bias),
  ];
}

/** AttnProcessor2_0 → F.scaled_dot_product_attention, as symbolic_opset14 exports it. */
function torch2Core(g: ExportGraph, x: string, context: string | undefined, spec: AttentionSpec): string {
  const heads = spec.heads;
  const batch = dimOf(g, context ?? x, 0); // batch_size from (encoder_)hidden_states.shape
  const [q, k, v] = projections(g, x, context, spec);
  const headDim = g.op('Div', [dimOf(g, k, -1), g.constI64([heads], true)]); // inner_dim // attn.heads
  const split = (t: string) => g.op('Transpose', [reshapeTo(g, t, [batch, -1, heads, headDim])], { perm: [0, 2, 1, 3] });
  const qh = split(q); // [B, h, N, d]
  // key.view(..).transpose(1, 2) then SDPA's transpose(-2, -1): merged by the exporter's peephole pass
  const kt = g.op('Transpose', [reshapeTo(g, k, [batch, -1, heads, headDim])], { perm: [0, 2, 3, 1] }); // [B, h, d, M]
  const vh = split(v); // [B, h, M, d]
  // _attention_scale: 1 / sqrt(query.shape[-1]), then both operands scaled by its square root
  let scale = g.op('Div', [g.constF([1], { dataType: DataType.FLOAT }), g.op('Sqrt', [g.op('Cast', [lastDimOf(g, qh)], { to: DataType.FLOAT })])]);
  if (g.fp16) scale = g.op('Cast', [scale], { to: DataType.FLOAT16 });
  const qs = g.op('Mul', [qh, g.op('Sqrt', [scale])]);
  const ks = g.op('Mul', [kt, g.op('Sqrt', [scale])]);
  const p = g.op('Softmax', [g.op('MatMul', [qs, ks])], { axis: -1 }); // [B, h, N, M]
  const o = g.op('MatMul', [p, vh]); // [B, h, N, d]
  const inner = g.op('Mul', [headDim, g.constI64([heads], true)]);
  return reshapeTo(g, g.op('Transpose', [o], { perm: [0, 2, 1, 3] }), [batch, -1, inner]); // [B, N, C]
}

/** The classic AttnProcessor: head_to_batch_dim, bmm, · scale, softmax, bmm, batch_to_head_dim. */
function torch1Core(g: ExportGraph, x: string, context: string | undefined, spec: AttentionSpec): string {
  const heads = spec.heads;
  const hc = () => g.constI64([heads], true);
  const [q, k, v] = projections(g, x, context, spec);
  const headToBatch = (t: string) => {
    const [b, s, d] = [dimOf(g, t, 0), dimOf(g, t, 1), dimOf(g, t, 2)];
    const dh = g.op('Div', [d, hc()]);
    const r = g.op('Transpose', [reshapeTo(g, t, [b, s, heads, dh])], { perm: [0, 2, 1, 3] });
    return reshapeTo(g, r, [g.op('Mul', [b, hc()]), s, g.op('Div', [d, hc()])]); // [B·h, N, d]
  };
  const qb = headToBatch(q);
  const kb = headToBatch(k);
  const vb = headToBatch(v);
  const kt = g.op('Transpose', [kb], { perm: [0, 2, 1] }); // [B·h, d, M]
  const scores = g.op('Mul', [g.op('MatMul', [qb, kt]), g.constF([1 / Math.sqrt(spec.dim / heads)], { scalar: true })]);
  const o = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), vb]); // [B·h, N, d]
  const [bh, s, d] = [dimOf(g, o, 0), dimOf(g, o, 1), dimOf(g, o, 2)];
  const r = g.op('Transpose', [reshapeTo(g, o, [g.op('Div', [bh, hc()]), heads, s, d])], { perm: [0, 2, 1, 3] });
  return reshapeTo(g, r, [g.op('Div', [bh, hc()]), s, g.op('Mul', [d, hc()])]); // [B, N, C]
}

/** Interleaves per-head weights as fusion_attention_unet.py does: out column (head, j, e) = W_j[:, head·d + e]. */
function packWeights(keys: string[], inF: number, heads: number, d: number) {
  return (out: Float32Array, stream: (key: string, bound: number, n: number) => Float32Array) => {
    const bound = INIT_GAIN / Math.sqrt(inF); // as linear()
    const ws = keys.map((k) => stream(k, bound, inF * heads * d));
    const P = keys.length;
    const C = heads * d;
    for (let i = 0; i < inF; i++)
      for (let h = 0; h < heads; h++)
        for (let j = 0; j < P; j++) {
          const src = ws[j].subarray(i * C + h * d, i * C + h * d + d);
          out.set(src, i * C * P + (h * P + j) * d);
        }
  };
}

/** ORT transformers optimizer: packed QKV (self) or packed KV (cross) MatMul → MultiHeadAttention. */
function fusedCore(g: ExportGraph, x: string, context: string | undefined, spec: AttentionSpec, ort: OrtNameCounters): string {
  const heads = spec.heads;
  const d = spec.dim / heads;
  const p = g.modulePath;
  const outName = `${g.scopePath}/Reshape_3_output_0`; // the output name of torch2's last Reshape, kept by ORT
  if (!context) {
    const mha = `MultiHeadAttention_${ort.mha.self++}`;
    const mm = `MatMul_QKV_${ort.qkv++}`;
    const keys = ['to_q', 'to_k', 'to_v'].map((m) => `${p}.${m}.weight`);
    const w = g.floatInit(`${mm}_weight`, [spec.dim, 3 * spec.dim], { kind: 'derived', fill: packWeights(keys, spec.dim, heads, d) });
    g.named('MatMul', mm, [x, w], `${mm}_out`);
    const shape = g.intInit(`${mm}_reshape_shape`, [0, 0, heads, 3, d]);
    g.named('Reshape', `${mm}_reshape`, [`${mm}_out`, shape], `${mha}_qkv_input`);
    return g.named('MultiHeadAttention', mha, [`${mha}_qkv_input`], outName, { num_heads: heads }, 'com.microsoft');
  }
  const cdim = spec.contextDim ?? spec.dim;
  const q = linear(g, x, 'to_q', spec.dim, spec.dim, false);
  const mha = `MultiHeadAttention_${ort.mha.cross++}`;
  const mm = `MatMul_KV_${ort.kv++}`;
  const keys = ['to_k', 'to_v'].map((m) => `${p}.${m}.weight`);
  const w = g.floatInit(`${mm}_weight`, [cdim, 2 * spec.dim], { kind: 'derived', fill: packWeights(keys, cdim, heads, d) });
  g.named('MatMul', mm, [context, w], `${mm}_out`);
  const shape = g.intInit(`${mm}_reshape_shape`, [0, 0, heads, 2, d]);
  g.named('Reshape', `${mm}_reshape`, [`${mm}_out`, shape], `${mha}_kv_input`);
  return g.named('MultiHeadAttention', mha, [q, `${mha}_kv_input`], outName, { num_heads: heads }, 'com.microsoft');
}

/**
 * fusion_attention_unet.py without packed QKV/KV, in its two generations. 'ort-attention' (2023,
 * the optimizer diffusers.js's exports came from): self-attention is com.microsoft Attention_i on
 * `n` with `Attention_i_qkv_weight` = [Wq | Wk | Wv] ([C, 3C], np.stack(axis=1)) and a zero
 * `Attention_i_qkv_bias`; cross-attention is MultiHeadAttention_j(q, k, v, zero bias) after the
 * model's own to_q/to_k/to_v. 'ort-mha' (later versions): both are MultiHeadAttention(q, k, v, bias).
 */
function unpackedCore(g: ExportGraph, x: string, context: string | undefined, spec: AttentionSpec, ort: OrtNameCounters): string {
  const heads = spec.heads;
  const p = g.modulePath;
  const outName = `${g.scopePath}/Reshape_3_output_0`;
  const zeros = (name: string) => g.floatInit(name, [3 * spec.dim], { kind: 'derived', fill: (out) => out.fill(0) });
  if (!context && spec.style === 'ort-attention') {
    const name = `Attention_${ort.attention++}`;
    const keys = ['to_q', 'to_k', 'to_v'].map((m) => `${p}.${m}.weight`);
    const w = g.floatInit(`${name}_qkv_weight`, [spec.dim, 3 * spec.dim], { kind: 'derived', fill: stackWeights(keys, spec.dim, spec.dim) });
    return g.named('Attention', name, [x, w, zeros(`${name}_qkv_bias`)], outName, { num_heads: heads }, 'com.microsoft');
  }
  const [q, k, v] = projections(g, x, context, spec);
  const name = `MultiHeadAttention_${context ? ort.mha.cross++ : ort.mha.self++}`;
  return g.named('MultiHeadAttention', name, [q, k, v, zeros(`${name}_qkv_bias`)], outName, { num_heads: heads }, 'com.microsoft');
}

/** [W_0 | W_1 | W_2] per row: out[i, j·C + c] = W_j[i, c] (the Attention op's [C, 3C] weight). */
function stackWeights(keys: string[], inF: number, C: number) {
  return (out: Float32Array, stream: (key: string, bound: number, n: number) => Float32Array) => {
    const bound = INIT_GAIN / Math.sqrt(inF); // as linear()
    const ws = keys.map((k) => stream(k, bound, inF * C));
    for (let i = 0; i < inF; i++) ws.forEach((w, j) => out.set(w.subarray(i * C, (i + 1) * C), i * 3 * C + j * C));
  };
}

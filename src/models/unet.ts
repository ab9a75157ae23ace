// Synthetic Stable Diffusion U-Nets (UNet2DConditionModel: sample [B,4,H,W], timestep [B],
// encoder_hidden_states [B,S,D] → out_sample [B,4,H,W]) with seeded weights, in the graph form of
// a real torch.onnx.export (opset 17) of diffusers — or of ORT's transformers optimizer applied to
// one. Blocks: conv_in; sinusoidal time_proj (flip_sin_to_cos, shift 0) + time_embedding MLP
// (Gemm, SiLU, Gemm); down_blocks.0–2 CrossAttnDownBlock2D, down_blocks.3 DownBlock2D; mid_block
// UNetMidBlock2DCrossAttn; up_blocks.0 UpBlock2D, up_blocks.1–3 CrossAttnUpBlock2D with skip
// Concat; conv_norm_out, conv_act, conv_out. 16 self-attention (attn1) sites with layers_per_block 2.
//
// SDXL family (UnetConfig.transformerLayers / midTransformerLayers / addition; configs `tiny-xl`,
// `sdxl`): 3 levels, down_blocks.0 DownBlock2D, down_blocks.1–2 CrossAttnDownBlock2D whose
// Transformer2DModels hold 2 / 10 transformer blocks (…/attentions.1/transformer_blocks.7/attn1/…),
// mid 10, up_blocks.0–1 CrossAttnUpBlock2D (10 / 2), up_blocks.2 UpBlock2D ⇒ 70 attn1 sites.
// Inputs sample, timestep, encoder_hidden_states, text_embeds [B, P], time_ids [B, 6] (optimum's
// UNetOnnxConfig adds text_embeds and time_ids when addition_embed_type is "text_time":
// huggingface/optimum optimum/exporters/onnx/model_configs.py). time_ids.flatten() → add_time_proj
// (the same sinusoids as time_proj) → reshape [B, 6·D] → concat after text_embeds → add_embedding
// (linear_1, SiLU, linear_2) → added to the time embedding (diffusers UNet2DConditionModel
// get_aug_embed, "text_time").
//
// Public API: buildUnet(u, opts) → BuiltModel; unetGraphOnly(u, opts) (weights declared, not made);
// attn1SiteCount(u) (re-exported from configs.ts); finishModel(g, …).
//
// Self-attention (attn1) patterns, scope P = /down_blocks.0/attentions.0/transformer_blocks.0
// (ids are ORT-style counters over sites in graph order; `n` = P/norm1/LayerNormalization_output_0):
//
// torch2 — AttnProcessor2_0 → scaled_dot_product_attention as symbolic_opset14 exports it:
//   q = P/attn1/to_q/MatMul(n, onnx::MatMul_*)   k = …/to_k/MatMul   v = …/to_v/MatMul   (W: [C, C])
//   q → Reshape(Concat(b, -1, heads, d)) → Transpose[0,2,1,3] → Mul(·, Sqrt(s))            ─┐
//   k → Reshape(Concat(b, -1, heads, d)) → Transpose[0,2,3,1] → Mul(·, Sqrt(s))  → MatMul → Softmax(-1)
//   s = Div(1, Sqrt(Cast(Slice(Shape(q_t), -1)))) [→ Cast(fp16)]                                 │
//   v → Reshape → Transpose[0,2,1,3] ───────────────────────────────────────────────→ MatMul ┘
//   → Transpose[0,2,1,3] → Reshape(Concat(b, -1, C)) (= P/attn1/Reshape_3_output_0)
//   → P/attn1/to_out.0/MatMul → P/attn1/to_out.0/Add(bias, ·) → P/attn1/Div(·, 1) → P/Add(·, x)
//   (ORT's match_qkv_torch2 path, after its remove_useless_div.)
//
// torch1 — the classic AttnProcessor (head_to_batch_dim / bmm):
//   q,k,v MatMuls as above; each → Reshape[b, s, heads, d] → Transpose[0,2,1,3] → Reshape[b·heads, s, d]
//   MatMul(q_b, Transpose[0,2,1](k_b)) → Mul(·, d^-0.5) → Softmax(-1) → MatMul(·, v_b)
//   → Reshape[b, heads, s, d] → Transpose[0,2,1,3] → Reshape[b, s, C] (= P/attn1/Reshape_7_output_0)
//   → to_out.0/MatMul → to_out.0/Add → Div(1) → residual Add  (ORT's match_qkv_torch1 path).
//
// ort-fused — fusion_attention_unet.py with packed QKV (and packed KV for attn2), Div-by-1 removed:
//   MatMul_QKV_i(n, MatMul_QKV_i_weight [C, 3C], columns interleaved per head: (head, q|k|v, d))
//   → Reshape MatMul_QKV_i_reshape ([0, 0, heads, 3, d]) → MultiHeadAttention_i_qkv_input
//   → com.microsoft MultiHeadAttention_i (num_heads) → P/attn1/Reshape_3_output_0
//   → P/attn1/to_out.0/MatMul → to_out.0/Add → P/Add.   Self-attention ids 0–15 come first; attn2 is
//   P/attn2/to_q/MatMul + MatMul_KV_j(encoder_hidden_states) → Reshape [0,0,heads,2,d] → MultiHeadAttention_{16+j}.
//   Only the attention fusion is applied (ORT's GroupNorm/SkipLayerNorm/BiasSplitGelu fusions are
//   CUDA-only kernels). Neither onnxruntime's CPU EP nor onnxruntime-web's WebGPU EP (1.30) runs packed
//   QKV/KV MultiHeadAttention: onnx/unpack-mha.ts rewrites it to separate Q/K/V inputs, which both run.
import { DataType } from '../onnx/proto.ts';
import { writeModel, type ExternalBlob } from '../onnx/model-file.ts';
import { ExportGraph, type FloatType } from './export-graph.ts';
import { isOrtStyle, type AttentionStyle, type OrtNameCounters } from './attention.ts';
import { attn1SiteCount, headsAt, transformerDepths, type UnetConfig } from './configs.ts';
import { conv2d, dimOf, gemm, groupNorm, reshapeTo, silu, unsqueeze0 } from './layers.ts';
import { downsample, resnet, transformer2d, upsample, type BlockContext } from './unet-blocks.ts';

export interface BuildOptions {
  attention: AttentionStyle;
  dtype: FloatType;
  seed: number;
  /** Weights in an external `weights.pb` (default: when they exceed 1 GiB, as a 2 GB protobuf would fail). */
  external?: boolean;
  /** the external blob's name (default weights.pb; optimum/ORT write model.onnx_data) */
  externalLocation?: string;
  /** the timestep input's type: the model's float type (default) or int64 (optimum's exports) */
  timestep?: 'float' | 'int64';
  /** LCM: a `timestep_cond` [batch, dim] input added to the time embedding through time_embedding.cond_proj */
  timeCondProjDim?: number;
}

export interface BuiltModel {
  model: Uint8Array;
  externalData?: ExternalBlob;
}

/** attn1SiteCount lives with the configs; re-exported here where the builder's users found it. */
export { attn1SiteCount };

/** get_timestep_embedding(t, dim, flip_sin_to_cos=True, downscale_freq_shift=0) of a 1-D t, as exported: [cos | sin], float32. */
function sinusoid(g: ExportGraph, t: string, dim: number): string {
  const half = dim / 2;
  const freqs = Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const table = g.folded('Mul', [1, half], { kind: 'values', values: freqs }, DataType.FLOAT);
  const tf = g.op('Cast', [g.op('Unsqueeze', [t, g.constI64([1])])], { to: DataType.FLOAT }); // timesteps[:, None].float()
  const emb = g.op('Mul', [tf, table]); // [B, half]
  const sc = g.op('Concat', [g.op('Sin', [emb]), g.op('Cos', [emb])], { axis: -1 });
  const hi = g.op('Slice', [sc, g.constI64([half]), g.constI64([2 * half]), g.constI64([1])]);
  const lo = g.op('Slice', [sc, g.constI64([0]), g.constI64([half]), g.constI64([1])]);
  return g.op('Concat', [hi, lo], { axis: -1 }); // [cos | sin]
}

/** time_proj(timesteps.expand(B)) with C0 = block_out_channels[0] channels. */
function timeProjection(g: ExportGraph, timestep: string, sample: string, c0: number): string {
  const t = g.op('Expand', [timestep, unsqueeze0(g, dimOf(g, sample, 0))]); // timesteps.expand(sample.shape[0])
  return g.scope('time_proj', () => sinusoid(g, t, c0));
}

/**
 * SDXL's "text_time" added embedding (diffusers UNet2DConditionModel.get_aug_embed):
 * time_embeds = add_time_proj(time_ids.flatten()).reshape(B, −1); add_embedding(concat[text_embeds,
 * time_embeds]) = linear_2(SiLU(linear_1(·))) — [B, 4·C0], added to the time embedding.
 */
function addedTimeEmbedding(g: ExportGraph, add: NonNullable<UnetConfig['addition']>, tdim: number): string {
  const dt = g.dt;
  const textEmbeds = g.b.input({ name: 'text_embeds', dataType: dt, dims: ['batch', add.textEmbedsDim] });
  const timeIds = g.b.input({ name: 'time_ids', dataType: dt, dims: ['batch', add.timeIds] });
  const flat = g.op('Reshape', [timeIds, g.constI64([-1])]); // time_ids.flatten()
  let te = g.scope('add_time_proj', () => sinusoid(g, flat, add.timeEmbedDim)); // [B·6, D] float32
  if (g.fp16) te = g.op('Cast', [te], { to: DataType.FLOAT16 }); // add_embeds.to(emb.dtype)
  te = reshapeTo(g, te, [dimOf(g, textEmbeds, 0), -1]);
  const inDim = add.textEmbedsDim + add.timeIds * add.timeEmbedDim; // projection_class_embeddings_input_dim
  const addEmbeds = g.op('Concat', [textEmbeds, te], { axis: -1 });
  return g.scope('add_embedding', () => {
    const l1 = gemm(g, addEmbeds, 'linear_1', inDim, tdim); // add_embedding.linear_1.weight [tdim, inDim]
    return gemm(g, g.scope('act', () => silu(g, l1)), 'linear_2', tdim, tdim);
  });
}

function unetGraph(g: ExportGraph, u: UnetConfig, style: AttentionStyle, opts: Pick<BuildOptions, 'timestep' | 'timeCondProjDim'> = {}): void {
  const dt = g.dt;
  const ch = u.blockOutChannels;
  const last = ch.length - 1;
  const depth = transformerDepths(u);
  const L = u.layersPerBlock;
  const sample = g.b.input({ name: 'sample', dataType: dt, dims: ['batch', 'channels', 'height', 'width'] });
  const timestep = g.b.input({ name: 'timestep', dataType: opts.timestep === 'int64' ? DataType.INT64 : dt, dims: ['batch'] });
  const ehs = g.b.input({ name: 'encoder_hidden_states', dataType: dt, dims: ['batch', 'sequence', u.crossAttentionDim] });
  const cond = opts.timeCondProjDim ? g.b.input({ name: 'timestep_cond', dataType: dt, dims: ['batch', opts.timeCondProjDim] }) : undefined;

  let tEmb = timeProjection(g, timestep, sample, ch[0]);
  if (g.fp16) tEmb = g.op('Cast', [tEmb], { to: DataType.FLOAT16 }); // t_emb.to(dtype=sample.dtype)
  const tdim = 4 * ch[0];
  let emb = g.scope('time_embedding', () => {
    // TimestepEmbedding(condition): sample + cond_proj(condition) (a Linear without bias) before linear_1
    const x = cond ? g.op('Add', [tEmb, g.scope('cond_proj', () => g.op('MatMul', [cond, g.folded('MatMul', [opts.timeCondProjDim!, ch[0]], { kind: 'uniform', key: `${g.modulePath}.cond_proj.weight`, bound: 1 / Math.sqrt(opts.timeCondProjDim!) })]))]) : tEmb;
    const h = g.scope('act', () => silu(g, gemm(g, x, 'linear_1', ch[0], tdim)));
    return gemm(g, h, 'linear_2', tdim, tdim);
  });
  if (u.addition) emb = g.op('Add', [emb, addedTimeEmbedding(g, u.addition, tdim)]); // emb + aug_emb
  // ORT's create_node_name counts per op type: MultiHeadAttention_* are self then cross (ort-fused,
  // ort-mha); with ort-attention the self sites are Attention_0… and the cross MultiHeadAttention_0…
  const ort: OrtNameCounters = { mha: { self: 0, cross: style === 'ort-attention' ? 0 : attn1SiteCount(u) }, qkv: 0, kv: 0, attention: 0 };
  const c: BlockContext = { g, style, ort, groups: u.normGroups, temb: { value: emb, channels: tdim }, rescaleDiv: !isOrtStyle(style), eps: 1e-5 };
  const tf = (x: string, m: string, level: number, blocks: number) =>
    transformer2d(c, x, m, ehs, ch[level], headsAt(u, level), u.crossAttentionDim, u.useLinearProjection, blocks);

  let h = conv2d(g, sample, 'conv_in', u.inChannels, ch[0], 3);
  const skips: { v: string; c: number }[] = [{ v: h, c: ch[0] }];
  for (let l = 0; l <= last; l++) {
    h = g.scope(`down_blocks.${l}`, () => {
      let x = h;
      for (let i = 0; i < L; i++) {
        x = resnet(c, x, `resnets.${i}`, i ? ch[l] : l ? ch[l - 1] : ch[0], ch[l]);
        if (depth.levels[l]) x = tf(x, `attentions.${i}`, l, depth.levels[l]);
        skips.push({ v: x, c: ch[l] });
      }
      if (l < last) {
        x = downsample(c, x, ch[l]);
        skips.push({ v: x, c: ch[l] });
      }
      return x;
    });
  }
  h = g.scope('mid_block', () => {
    const x = resnet(c, h, 'resnets.0', ch[last], ch[last]);
    return resnet(c, tf(x, 'attentions.0', last, depth.mid), 'resnets.1', ch[last], ch[last]);
  });
  let prev = ch[last];
  for (let i = 0; i <= last; i++) {
    const l = last - i;
    h = g.scope(`up_blocks.${i}`, () => {
      let x = h;
      for (let j = 0; j <= L; j++) {
        const skip = skips.pop()!;
        const cin = (j ? ch[l] : prev) + skip.c;
        x = resnet(c, g.op('Concat', [x, skip.v], { axis: 1 }), `resnets.${j}`, cin, ch[l]);
        if (depth.levels[l]) x = tf(x, `attentions.${j}`, l, depth.levels[l]);
      }
      return i < last ? upsample(c, x, ch[l]) : x;
    });
    prev = ch[l];
  }
  h = groupNorm(g, h, 'conv_norm_out', ch[0], u.normGroups, 1e-5);
  h = g.scope('conv_act', () => silu(g, h));
  const out = conv2d(g, h, 'conv_out', ch[0], u.outChannels, 3);
  g.renameOutput(out, 'out_sample');
  g.b.output({ name: 'out_sample', dataType: dt, dims: ['batch', u.outChannels, 'height', 'width'] });
}

/** Materialises `g`'s weights and encodes it: inline, or EXTERNAL into one blob named `location`. */
export function finishModel(g: ExportGraph, graphName: string, external: boolean | undefined, location = 'weights.pb'): BuiltModel {
  const ext = external ?? g.weights.bytes > 2 ** 30;
  const { blob } = g.weights.materialize({ external: ext, location });
  for (const t of g.weightTensors()) g.b.initializer(t);
  const model = writeModel(g.b.toModel(graphName, 17));
  return blob ? { model, externalData: { path: location, data: blob } } : { model };
}

/** The U-Net's graph with its weights declared but not yet made (cheap even at full size). */
export function unetGraphOnly(u: UnetConfig, opts: Omit<BuildOptions, 'external'>): ExportGraph {
  const g = new ExportGraph(opts.seed, opts.dtype);
  unetGraph(g, u, opts.attention, opts);
  return g;
}

/** Builds a U-Net of config `u` in attention style `opts.attention`. */
export function buildUnet(u: UnetConfig, opts: BuildOptions): BuiltModel {
  return finishModel(unetGraphOnly(u, opts), 'main_graph', opts.external, opts.externalLocation);
}

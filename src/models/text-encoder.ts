// Synthetic CLIP text encoders (transformers' CLIPTextModel as exported for SD: input_ids [B, S]
// int32 (diffusers' export; int64 on request) → last_hidden_state [B, S, D], pooler_output [B, D]).
// Token + position embeddings (Gather), pre-LN layers with causal-masked attention (CLIPAttention:
// q·scale, bmm, + mask, softmax, bmm) and quick_gelu (or gelu) MLP, final LayerNorm. Node names
// follow the exporter: /text_model/encoder/layers.0/self_attn/q_proj/MatMul …
//
// SDXL (public API used by the pipeline writer and loaders):
//   buildTextEncoder(cfg, { dtype, seed, inputIds, outputHiddenStates: true })
//   - cfg.projectionDim unset: CLIPTextModel → outputs last_hidden_state, pooler_output,
//     hidden_states.0 … hidden_states.N (N = layers)
//   - cfg.projectionDim set: CLIPTextModelWithProjection → outputs text_embeds [B, P]
//     (= text_projection(pooled), a Linear without bias), last_hidden_state, hidden_states.0 … N
//   The output names and order are optimum's (huggingface/optimum
//   optimum/exporters/onnx/model_configs.py: CLIPTextOnnxConfig.outputs = last_hidden_state,
//   pooler_output [+ hidden_states.{0..num_layers} when output_hidden_states];
//   CLIPTextWithProjectionOnnxConfig.outputs = text_embeds, last_hidden_state [+ hidden_states.*]).
//   hidden_states.0 is the embeddings' output, hidden_states.i the output of layer i (before
//   final_layer_norm), so SDXL's "penultimate" prompt embedding is hidden_states.{N−1}.
//   Pooled = last_hidden_state at input_ids.argmax(−1) (the EOS token has the highest id): the
//   transformers path for configs whose eos_token_id is 2, as SDXL's text encoders' configs are
//   (a public copy of the bigG config with "eos_token_id": 2 is quoted in a CLIP test suite; the
//   HF repo itself is not in our search index).
import { DataType } from '../onnx/proto.ts';
import { ExportGraph, floatTensor, type FloatType } from './export-graph.ts';
import type { TextEncoderConfig } from './configs.ts';
import { dimOf, gelu, layerNorm, linear, quickGelu, reshapeTo, unsqueeze0 } from './layers.ts';
import { finishModel, type BuiltModel } from './unet.ts';

export interface TextEncoderOptions {
  dtype: FloatType;
  seed: number;
  inputIds?: 'int32' | 'int64';
  external?: boolean;
  /** Also output hidden_states.0 … hidden_states.N (optimum's output_hidden_states export, as SDXL needs). */
  outputHiddenStates?: boolean;
}

/** Embedding init: uniform ±EMBED_BOUND (std ≈ 0.03, like CLIP's normal(0, 0.02) scale). */
const EMBED_BOUND = 0.05;

/** _create_4d_causal_attention_mask: [B, 1, S, S] with the dtype's minimum above the diagonal. */
function causalMask(g: ExportGraph, ids: string): string {
  const b = dimOf(g, ids, 0);
  const s = dimOf(g, ids, 1);
  const ss = g.op('Concat', [unsqueeze0(g, s), unsqueeze0(g, s)], { axis: 0 });
  const min = g.fp16 ? -65504 : -3.4028234663852886e38;
  const full = g.op('ConstantOfShape', [ss], { value: floatValue(g, min) });
  const upper = g.op('Trilu', [full, g.constI64([1], true)], { upper: 1 }); // triu(diagonal=1)
  const shape = g.op('Concat', [unsqueeze0(g, b), g.constI64([1]), unsqueeze0(g, s), unsqueeze0(g, s)], { axis: 0 });
  return g.op('Expand', [g.op('Unsqueeze', [upper, g.constI64([0, 1])]), shape]);
}

function floatValue(g: ExportGraph, v: number) {
  return floatTensor('', g.dt, [1], [v]);
}

function clipAttention(g: ExportGraph, x: string, mask: string, t: TextEncoderConfig): string {
  const D = t.hiddenSize;
  const H = t.heads;
  const d = D / H;
  return g.scope('self_attn', () => {
    const [b, s] = [dimOf(g, x, 0), dimOf(g, x, 1)];
    const q = g.op('Mul', [linear(g, x, 'q_proj', D, D), g.constF([d ** -0.5], { scalar: true })]);
    const k = linear(g, x, 'k_proj', D, D);
    const v = linear(g, x, 'v_proj', D, D);
    const bh = g.op('Mul', [b, g.constI64([H], true)]);
    const heads = (t2: string) => reshapeTo(g, g.op('Transpose', [reshapeTo(g, t2, [b, -1, H, d])], { perm: [0, 2, 1, 3] }), [bh, -1, d]);
    const w = g.op('MatMul', [heads(q), g.op('Transpose', [heads(k)], { perm: [0, 2, 1] })]); // [B·H, S, S]
    const masked = reshapeTo(g, g.op('Add', [reshapeTo(g, w, [b, H, s, s]), mask]), [bh, s, s]);
    const o = g.op('MatMul', [g.op('Softmax', [masked], { axis: -1 }), heads(v)]); // [B·H, S, d]
    const merged = reshapeTo(g, g.op('Transpose', [reshapeTo(g, o, [b, H, s, d])], { perm: [0, 2, 1, 3] }), [b, s, D]);
    return linear(g, merged, 'out_proj', D, D);
  });
}

function encoderLayer(g: ExportGraph, x: string, mask: string, t: TextEncoderConfig): string {
  const h = g.op('Add', [x, clipAttention(g, layerNorm(g, x, 'layer_norm1', t.hiddenSize), mask, t)]);
  const mlp = g.scope('mlp', () => {
    const f = linear(g, layerNorm(g, h, 'layer_norm2', t.hiddenSize), 'fc1', t.hiddenSize, t.intermediateSize);
    const a = g.scope('activation_fn', () => (t.hiddenAct === 'quick_gelu' ? quickGelu(g, f) : gelu(g, f)));
    return linear(g, a, 'fc2', t.intermediateSize, t.hiddenSize);
  });
  return g.op('Add', [h, mlp]);
}

export function buildTextEncoder(t: TextEncoderConfig, opts: TextEncoderOptions): BuiltModel {
  return finishModel(textEncoderGraph(t, opts), 'main_graph', opts.external);
}

/** The text encoder's graph with weights declared, not made. */
export function textEncoderGraph(t: TextEncoderConfig, opts: TextEncoderOptions): ExportGraph {
  const g = new ExportGraph(opts.seed, opts.dtype, 3000);
  const idType = opts.inputIds === 'int64' ? DataType.INT64 : DataType.INT32;
  const ids = g.b.input({ name: 'input_ids', dataType: idType, dims: ['batch', 'sequence'] });
  const D = t.hiddenSize;
  let pooled = '';
  g.scope('text_model', () => {
    const flat = reshapeTo(g, ids, [-1, dimOf(g, ids, -1)]); // input_ids.view(-1, input_shape[-1])
    const h0 = g.scope('embeddings', () => {
      const tokW = g.scope('token_embedding', () => g.param('weight', [t.vocabSize, D], { bound: EMBED_BOUND }));
      const posW = g.scope('position_embedding', () => g.param('weight', [t.maxPositions, D], { bound: EMBED_BOUND }));
      const tok = g.scope('token_embedding', () => g.op('Gather', [tokW, flat]));
      const pos = g.op('Slice', [g.constI64(Array.from({ length: t.maxPositions }, (_, i) => i)), g.constI64([0]), unsqueeze0(g, dimOf(g, flat, 1)), g.constI64([0])]);
      const posE = g.scope('position_embedding', () => g.op('Gather', [posW, g.op('Unsqueeze', [pos, g.constI64([0])])]));
      return g.op('Add', [tok, posE]);
    });
    const mask = causalMask(g, flat);
    const hidden = [h0];
    let h = h0;
    g.scope('encoder', () => {
      for (let i = 0; i < t.layers; i++) hidden.push((h = g.scope(`layers.${i}`, () => encoderLayer(g, h, mask, t))));
    });
    const last = g.renameOutput(layerNorm(g, h, 'final_layer_norm', D), 'last_hidden_state');
    // pooled = last_hidden_state[arange(B), input_ids.argmax(-1)] (EOS has the highest id)
    const eos = g.op('ArgMax', [g.op('Cast', [flat], { to: DataType.INT64 })], { axis: -1, keepdims: 0 });
    const idx = g.op('Expand', [g.op('Unsqueeze', [eos, g.constI64([1, 2])]), g.op('Concat', [unsqueeze0(g, dimOf(g, flat, 0)), g.constI64([1, D])], { axis: 0 })]);
    pooled = g.op('Squeeze', [g.op('GatherElements', [last, idx], { axis: 1 }), g.constI64([1])]);
    if (opts.outputHiddenStates) hidden.forEach((v, i) => g.renameOutput(v, `hidden_states.${i}`));
  });
  const hiddenOutputs = () => {
    if (opts.outputHiddenStates) for (let i = 0; i <= t.layers; i++) g.b.output({ name: `hidden_states.${i}`, dataType: g.dt, dims: ['batch', 'sequence', D] });
  };
  if (t.projectionDim) {
    // CLIPTextModelWithProjection: text_embeds = text_projection(pooled_output) (Linear, bias=False)
    g.renameOutput(linear(g, pooled, 'text_projection', D, t.projectionDim, false), 'text_embeds');
    g.b.output({ name: 'text_embeds', dataType: g.dt, dims: ['batch', t.projectionDim] });
    g.b.output({ name: 'last_hidden_state', dataType: g.dt, dims: ['batch', 'sequence', D] });
  } else {
    g.renameOutput(pooled, 'pooler_output');
    g.b.output({ name: 'last_hidden_state', dataType: g.dt, dims: ['batch', 'sequence', D] });
    g.b.output({ name: 'pooler_output', dataType: g.dt, dims: ['batch', D] });
  }
  hiddenOutputs();
  return g;
}

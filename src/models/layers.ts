// torch.onnx.export (opset 17) forms of the layers an SD pipeline is made of. Each function emits
// inside the current module scope of `g`, with the node patterns the exporter produces:
//   Linear (3-D input):  MatMul(x, onnx::MatMul_n [in, out]) → Add(bias, ·)   (no-bias: MatMul only)
//   Linear (2-D input):  Gemm(x, <m>.weight [out, in], <m>.bias, transB=1)
//   Conv2d:              Conv(x, <m>.weight, <m>.bias)
//   GroupNorm:           Reshape(x, [0, G, -1]) → InstanceNormalization(·, 1s, 0s) → Reshape(·, Shape(x))
//                        → Mul(·, onnx::Mul_n [C,1,1]) → Add(·, onnx::Add_n [C,1,1])
//   LayerNorm:           LayerNormalization(x, <m>.weight, <m>.bias, axis=-1)
//   SiLU: Sigmoid → Mul;  GELU (erf): Div(√2) → Erf → Add(1) → Mul(x) → Mul(0.5);  quick_gelu: Mul(1.702) → Sigmoid → Mul
//   chunk(2, -1):        Shape → Gather → Add → Div → Mul → Slice (prim::ConstantChunk)
import { DataType } from '../onnx/proto.ts';
import type { ExportGraph } from './export-graph.ts';

/** Uniform init ±gain/√fan_in, torch's default scale for Linear and Conv. */
export const INIT_GAIN = 1;
/** Norm affine parameters: 1 ± NORM_JITTER and ± NORM_JITTER (nonzero so misplaced ones show). */
export const NORM_JITTER = 0.1;

const INT64_MAX = 9223372036854775807n;

/** nn.Linear on a [.., in] tensor of rank ≥ 3 (the exporter's MatMul form). */
export function linear(g: ExportGraph, x: string, module: string, inF: number, outF: number, bias = true): string {
  return g.scope(module, () => {
    const bound = INIT_GAIN / Math.sqrt(inF);
    const w = g.folded('MatMul', [inF, outF], { kind: 'uniform', key: `${g.modulePath}.weight`, bound });
    const y = g.op('MatMul', [x, w]);
    if (!bias) return y;
    return g.op('Add', [g.param('bias', [outF], { bound }), y]);
  });
}

/** nn.Linear on a 2-D [B, in] tensor: the exporter writes Gemm with the untransposed weight. */
export function gemm(g: ExportGraph, x: string, module: string, inF: number, outF: number): string {
  return g.scope(module, () => {
    const bound = INIT_GAIN / Math.sqrt(inF);
    const w = g.param('weight', [outF, inF], { bound });
    const b = g.param('bias', [outF], { bound });
    return g.op('Gemm', [x, w, b], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
  });
}

export function conv2d(g: ExportGraph, x: string, module: string, cin: number, cout: number, k: number, stride = 1, pad = (k - 1) / 2): string {
  return g.scope(module, () => {
    const bound = INIT_GAIN / Math.sqrt(cin * k * k);
    const w = g.param('weight', [cout, cin, k, k], { bound });
    const b = g.param('bias', [cout], { bound });
    return g.op('Conv', [x, w, b], { dilations: [1, 1], group: 1, kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [stride, stride] });
  });
}

/**
 * nn.GroupNorm on [B, C, H, W] in the exporter's InstanceNormalization form. fp16 graphs keep the
 * InstanceNormalization in float32 between Casts (as fp16 conversion tools do: its variance over
 * C/G·H·W values overflows half precision).
 */
export function groupNorm(g: ExportGraph, x: string, module: string, channels: number, groups: number, eps = 1e-5, rank = 4): string {
  return g.scope(module, () => {
    const shapeG = g.constI64([0, groups, -1]);
    const xr = g.op('Reshape', [x, shapeG]);
    const scale = g.folded('InstanceNormalization', [groups], { kind: 'const', value: 1 }, DataType.FLOAT);
    const bias = g.folded('InstanceNormalization', [groups], { kind: 'const', value: 0 }, DataType.FLOAT);
    let n: string;
    if (g.fp16) {
      const xf = g.op('Cast', [xr], { to: DataType.FLOAT });
      n = g.op('Cast', [g.op('InstanceNormalization', [xf, scale, bias], { epsilon: { float: eps } })], { to: DataType.FLOAT16 });
    } else n = g.op('InstanceNormalization', [xr, scale, bias], { epsilon: { float: eps } });
    const back = g.op('Reshape', [n, g.op('Shape', [x])]);
    const key = g.modulePath;
    const affine = [channels, ...Array<number>(rank - 2).fill(1)]; // weight unsqueezed to [C, 1, …]
    const w = g.folded('Mul', affine, { kind: 'uniform', key: `${key}.weight`, bound: NORM_JITTER, center: 1 });
    const b = g.folded('Add', affine, { kind: 'uniform', key: `${key}.bias`, bound: NORM_JITTER });
    return g.op('Add', [g.op('Mul', [back, w]), b]);
  });
}

export function layerNorm(g: ExportGraph, x: string, module: string, channels: number, eps = 1e-5): string {
  return g.scope(module, () => {
    const w = g.param('weight', [channels], { bound: NORM_JITTER, center: 1 });
    const b = g.param('bias', [channels], { bound: NORM_JITTER });
    return g.op('LayerNormalization', [x, w, b], { axis: -1, epsilon: { float: eps } });
  });
}

export function silu(g: ExportGraph, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x])]);
}

/** F.gelu (exact, erf form) as opset-17 exports it. */
export function gelu(g: ExportGraph, x: string): string {
  const e = g.op('Erf', [g.op('Div', [x, g.constF([Math.SQRT2], { scalar: true })])]);
  const a = g.op('Add', [e, g.constF([1], { scalar: true })]);
  return g.op('Mul', [g.op('Mul', [x, a]), g.constF([0.5], { scalar: true })]);
}

/** CLIP's quick_gelu: x · sigmoid(1.702 x). */
export function quickGelu(g: ExportGraph, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.constF([1.702], { scalar: true })])])]);
}

/** tensor.chunk(2, dim=-1) as prim::ConstantChunk exports it: two Slices with dynamic ends. */
export function chunk2(g: ExportGraph, x: string): [string, string] {
  const axis = g.constI64([-1]);
  const size = g.op('Gather', [g.op('Shape', [x]), axis], { axis: 0 });
  const start = g.constI64([0]);
  const n = g.constI64([2]);
  const half = g.op('Div', [g.op('Add', [size, g.constI64([1])]), n]);
  const end1 = g.op('Mul', [half, g.constI64([1])]);
  const a = g.op('Slice', [x, start, end1, axis]);
  const end2 = g.op('Mul', [half, g.constI64([2])]);
  const b = g.op('Slice', [x, end1, end2, axis]);
  return [a, b];
}

/** `x.shape[axis]` as the tracer records it: Shape → Gather(scalar index) → a 0-d int64. */
export function dimOf(g: ExportGraph, x: string, axis: number): string {
  return g.op('Gather', [g.op('Shape', [x]), g.constI64([axis], true)], { axis: 0 });
}

/** A 1-element int64 from a 0-d one (how traced ints enter a shape Concat). */
export function unsqueeze0(g: ExportGraph, s: string): string {
  return g.op('Unsqueeze', [s, g.constI64([0])]);
}

/** Reshape `x` to a shape made of traced scalars (strings) and literal ints. */
export function reshapeTo(g: ExportGraph, x: string, dims: (string | number)[]): string {
  const parts = dims.map((d) => (typeof d === 'number' ? g.constI64([d]) : unsqueeze0(g, d)));
  return g.op('Reshape', [x, g.op('Concat', parts, { axis: 0 })]);
}

/** The last-dim slice of a shape, as `_attention_scale` uses: Shape → Slice([-1], [INT64_MAX]). */
export function lastDimOf(g: ExportGraph, x: string): string {
  return g.op('Slice', [g.op('Shape', [x]), g.constI64([-1]), g.constI64([INT64_MAX])]);
}

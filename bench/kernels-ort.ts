// The ORT side of bench/kernels.ts: the same attention as one-op-pattern ONNX models run by
// onnxruntime-web's WebGPU EP on our device. q: [B, N, C], k, v: [B, M, C] → o: [B, N, C].
//   'matmul-softmax': Reshape/Transpose to heads, MatMul(q, kᵀ)·scale, Softmax, MatMul(·, v) —
//                     the plain exported form; materialises the B·heads·N·M scores.
//   'mha':            com.microsoft MultiHeadAttention(q, k, v, num_heads) — ORT's fused op.
import { GraphBuilder, i64Tensor, tensor } from '../src/onnx/builder.ts';
import { DataType } from '../src/onnx/proto.ts';
import { toHalf } from '../src/gpu/kernels/half.ts';
import type { TensorDType } from '../src/gpu/kernels/dtype.ts';
import { createSession, runSession, tensorFromGpuBuffer, type Ort, type OrtSession } from '../src/gpu/ort.ts';

export type OrtAttentionKind = 'matmul-softmax' | 'mha';

export interface AttentionShape {
  B: number;
  N: number;
  M: number;
  heads: number;
  headDim: number;
  dtype: TensorDType;
}

function scalar(name: string, value: number, dtype: TensorDType) {
  if (dtype === 'f16') return tensor(name, DataType.FLOAT16, [], new Uint8Array(toHalf([value]).buffer));
  return tensor(name, DataType.FLOAT, [], new Uint8Array(new Float32Array([value]).buffer));
}

export function ortAttentionModel(kind: OrtAttentionKind, s: AttentionShape): Uint8Array {
  const { B, N, M, heads: H, headDim: d } = s;
  const C = H * d;
  const dataType = s.dtype === 'f16' ? DataType.FLOAT16 : DataType.FLOAT;
  const g = new GraphBuilder();
  g.input({ name: 'q', dataType, dims: [B, N, C] });
  g.input({ name: 'k', dataType, dims: [B, M, C] });
  g.input({ name: 'v', dataType, dims: [B, M, C] });
  g.output({ name: 'o', dataType, dims: [B, N, C] });
  if (kind === 'mha') {
    g.node('MultiHeadAttention', ['q', 'k', 'v'], ['o'], { domain: 'com.microsoft', attrs: { num_heads: H } });
    return g.toBytes('mha');
  }
  g.initializer(i64Tensor('q_heads', [4], [B, N, H, d]));
  g.initializer(i64Tensor('kv_heads', [4], [B, M, H, d]));
  g.initializer(i64Tensor('o_shape', [3], [B, N, C]));
  g.initializer(scalar('scale', 1 / Math.sqrt(d), s.dtype));
  g.node('Reshape', ['q', 'q_heads'], ['q4']);
  g.node('Transpose', ['q4'], ['qh'], { attrs: { perm: [0, 2, 1, 3] } }); // [B, H, N, d]
  g.node('Reshape', ['k', 'kv_heads'], ['k4']);
  g.node('Transpose', ['k4'], ['kt'], { attrs: { perm: [0, 2, 3, 1] } }); // [B, H, d, M]
  g.node('Reshape', ['v', 'kv_heads'], ['v4']);
  g.node('Transpose', ['v4'], ['vh'], { attrs: { perm: [0, 2, 1, 3] } }); // [B, H, M, d]
  g.node('MatMul', ['qh', 'kt'], ['scores']); // [B, H, N, M]
  g.node('Mul', ['scores', 'scale'], ['scaled']);
  g.node('Softmax', ['scaled'], ['probs'], { attrs: { axis: -1 } });
  g.node('MatMul', ['probs', 'vh'], ['oh']); // [B, H, N, d]
  g.node('Transpose', ['oh'], ['o4'], { attrs: { perm: [0, 2, 1, 3] } });
  g.node('Reshape', ['o4', 'o_shape'], ['o']);
  return g.toBytes('matmul_softmax_matmul');
}

/** One ORT attention session fed from our GPU buffers; outputs stay on the GPU. */
export class OrtAttention {
  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    private readonly shape: AttentionShape,
  ) {}

  static async create(ort: Ort, device: GPUDevice, kind: OrtAttentionKind, shape: AttentionShape): Promise<OrtAttention> {
    const session = await createSession(ort, device, ortAttentionModel(kind, shape), { outputLocation: 'gpu-buffer' });
    return new OrtAttention(ort, session, shape);
  }

  /** Submits one run (returns when ORT has submitted, not when the GPU is done). */
  async run(q: GPUBuffer, k: GPUBuffer, v: GPUBuffer): Promise<void> {
    const { B, N, M, heads, headDim } = this.shape;
    const C = heads * headDim;
    const dt = this.shape.dtype === 'f16' ? 'float16' : 'float32';
    const out = await runSession(this.session, {
      q: tensorFromGpuBuffer(this.ort, q, [B, N, C], dt),
      k: tensorFromGpuBuffer(this.ort, k, [B, M, C], dt),
      v: tensorFromGpuBuffer(this.ort, v, [B, M, C], dt),
    });
    out.o.dispose();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

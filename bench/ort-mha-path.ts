// Which path onnxruntime-web's WebGPU EP takes for com.microsoft MultiHeadAttention on this
// adapter: its flash attention (no score tensor) or the unfused one (Q·Kᵀ scores and softmax
// probabilities of B·heads·N·M values in GPU buffers). Told apart by the largest buffer ORT creates
// during one run, against the size of the score tensor. Printed at the top of bench/suite.ts so a
// table says whether the "ORT-fused" baseline really ran ORT's flash attention.
import { GraphBuilder, tensor } from '../src/onnx/builder.ts';
import { DataType } from '../src/onnx/proto.ts';
import { createSession, runSession, type Ort } from '../src/gpu/ort.ts';

export interface MhaPathProbe {
  B: number;
  /** the optional bias input [3C] (zeros) given, as ORT's optimizer writes it */
  bias: boolean;
  dtype: 'float32' | 'float16';
}

export interface MhaPath {
  probe: MhaPathProbe;
  path: 'flash' | 'unfused' | 'failed';
  /** largest buffer ORT created during the run, and the score tensor's size */
  largestBytes: number;
  scoreBytes: number;
  error?: string;
}

const HEADS = 2;
const HEAD_DIM = 40;
const N = 256;

function mhaModel(p: MhaPathProbe): Uint8Array {
  const C = HEADS * HEAD_DIM;
  const dataType = p.dtype === 'float16' ? DataType.FLOAT16 : DataType.FLOAT;
  const g = new GraphBuilder();
  for (const name of ['q', 'k', 'v']) g.input({ name, dataType, dims: [p.B, N, C] });
  g.output({ name: 'o', dataType, dims: [p.B, N, C] });
  const inputs = ['q', 'k', 'v'];
  if (p.bias) {
    g.initializer(tensor('bias', dataType, [3 * C], new Uint8Array(3 * C * (p.dtype === 'float16' ? 2 : 4))));
    inputs.push('bias');
  }
  g.node('MultiHeadAttention', inputs, ['o'], { domain: 'com.microsoft', attrs: { num_heads: HEADS } });
  return g.toBytes('mha_path_probe');
}

async function probeOne(ort: Ort, device: GPUDevice, p: MhaPathProbe): Promise<MhaPath> {
  const scoreBytes = p.B * HEADS * N * N * (p.dtype === 'float16' ? 2 : 4);
  let largest = 0;
  const original = device.createBuffer;
  let session;
  try {
    session = await createSession(ort, device, mhaModel(p));
    device.createBuffer = function (desc: GPUBufferDescriptor) {
      largest = Math.max(largest, desc.size);
      return original.call(device, desc);
    };
    const n = p.B * N * HEADS * HEAD_DIM;
    const data = p.dtype === 'float16' ? new Uint16Array(n) : new Float32Array(n);
    const feed = () => new ort.Tensor(p.dtype, data, [p.B, N, HEADS * HEAD_DIM]);
    const out = await runSession(session, { q: feed(), k: feed(), v: feed() });
    for (const t of Object.values(out)) t.dispose();
    await device.queue.onSubmittedWorkDone();
    return { probe: p, path: largest >= scoreBytes ? 'unfused' : 'flash', largestBytes: largest, scoreBytes };
  } catch (e) {
    return { probe: p, path: 'failed', largestBytes: largest, scoreBytes, error: (e as Error).message.split('\n')[0].slice(0, 80) };
  } finally {
    device.createBuffer = original;
    await session?.release();
  }
}

/**
 * Probes batch `B` in `dtype` (N = M = 256, 2 heads × 40) without the bias input (the form
 * src/onnx/fuse-mha.ts writes) and, with `bias`, also with it (as ORT's optimizer writes it; on
 * lavapipe that run did not finish within 4 minutes, so it is opt-in).
 */
export async function probeMhaPaths(ort: Ort, device: GPUDevice, dtype: MhaPathProbe['dtype'], B: number, bias = false): Promise<MhaPath[]> {
  const out: MhaPath[] = [];
  for (const b of bias ? [false, true] : [false]) out.push(await probeOne(ort, device, { B, bias: b, dtype }));
  return out;
}

export function describeMhaPaths(paths: MhaPath[]): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
  return paths
    .map((r) => `B=${r.probe.B}${r.probe.bias ? ' +bias' : ''} ${r.probe.dtype}: ${r.path === 'failed' ? `failed (${r.error})` : `${r.path} (largest buffer ${mib(r.largestBytes)}, scores ${mib(r.scoreBytes)})`}`)
    .join('; ');
}

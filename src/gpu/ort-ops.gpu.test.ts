// The preflight's op facts (src/pipeline/preflight.ts) measured on the onnxruntime-web we ship: every
// com.microsoft op it lets through creates a WebGPU session and runs on a tiny graph; every op it
// refuses fails. A new onnxruntime-web that changes one of these fails here, so the table follows.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, f32Tensor } from '../onnx/builder.ts';
import { DataType } from '../onnx/proto.ts';
import { CONTRIB_OPS_OK, CONTRIB_OPS_REFUSED } from '../pipeline/preflight.ts';
import { seededValues } from './kernels/check.ts';
import { createSession, loadOrt, runSession } from './ort.ts';
import { ortWasmDir } from './node-gpu.ts';
import { testGpuContext } from './testing/with-gpu-device.ts';

interface OpGraph {
  inputs: Record<string, number[]>;
  /** output rank */
  rank: number;
  build(g: GraphBuilder): void;
}

const w = (g: GraphBuilder, name: string, dims: number[], seed: number) => g.initializer(f32Tensor(name, dims, seededValues(dims.reduce((a, b) => a * b, 1), seed, 0.3)));
const MS = { domain: 'com.microsoft' };

const GRAPHS: Record<string, OpGraph> = {
  Attention: { inputs: { x: [1, 16, 16] }, rank: 3, build: (g) => (w(g, 'w', [16, 48], 1), w(g, 'b', [48], 2), g.node('Attention', ['x', 'w', 'b'], ['y'], { ...MS, attrs: { num_heads: 2 } })) },
  MultiHeadAttention: { inputs: { q: [1, 16, 16], k: [1, 16, 16], v: [1, 16, 16] }, rank: 3, build: (g) => g.node('MultiHeadAttention', ['q', 'k', 'v'], ['y'], { ...MS, attrs: { num_heads: 2 } }) },
  BiasSplitGelu: { inputs: { x: [1, 16, 32] }, rank: 3, build: (g) => (w(g, 'b', [32], 2), g.node('BiasSplitGelu', ['x', 'b'], ['y'], MS)) },
  BiasAdd: { inputs: { x: [1, 16, 32], s: [1, 16, 32] }, rank: 3, build: (g) => (w(g, 'b', [32], 2), g.node('BiasAdd', ['x', 'b', 's'], ['y'], MS)) },
  BiasGelu: { inputs: { x: [1, 16, 32] }, rank: 3, build: (g) => (w(g, 'b', [32], 2), g.node('BiasGelu', ['x', 'b'], ['y'], MS)) },
  FastGelu: { inputs: { x: [1, 16, 32] }, rank: 3, build: (g) => (w(g, 'b', [32], 2), g.node('FastGelu', ['x', 'b'], ['y'], MS)) },
  Gelu: { inputs: { x: [1, 16, 32] }, rank: 3, build: (g) => g.node('Gelu', ['x'], ['y'], MS) },
  QuickGelu: { inputs: { x: [1, 16, 32] }, rank: 3, build: (g) => g.node('QuickGelu', ['x'], ['y'], { ...MS, attrs: { alpha: { float: 1.702 } } }) },
  SkipLayerNormalization: {
    inputs: { x: [1, 16, 32], s: [1, 16, 32] },
    rank: 3,
    build: (g) => (w(g, 'gamma', [32], 2), w(g, 'beta', [32], 3), g.node('SkipLayerNormalization', ['x', 's', 'gamma', 'beta'], ['y'], { ...MS, attrs: { epsilon: { float: 1e-5 } } })),
  },
  NhwcConv: { inputs: { x: [1, 8, 8, 8] }, rank: 4, build: (g) => (w(g, 'w', [8, 8, 3, 3], 1), g.node('NhwcConv', ['x', 'w'], ['y'], { ...MS, attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } })) },
  GroupNorm: {
    inputs: { x: [1, 4, 4, 32] },
    rank: 4,
    build: (g) => (w(g, 'gamma', [32], 2), w(g, 'beta', [32], 3), g.node('GroupNorm', ['x', 'gamma', 'beta'], ['y'], { ...MS, attrs: { activation: 1, epsilon: { float: 1e-5 }, groups: 8, channels_last: 1 } })),
  },
  SkipGroupNorm: {
    inputs: { x: [1, 4, 4, 32], s: [1, 4, 4, 32] },
    rank: 4,
    build: (g) => (w(g, 'gamma', [32], 2), w(g, 'beta', [32], 3), g.node('SkipGroupNorm', ['x', 'gamma', 'beta', 's'], ['y'], { ...MS, attrs: { activation: 0, epsilon: { float: 1e-5 }, groups: 8 } })),
  },
};

async function runOp(op: string): Promise<Float32Array> {
  const spec = GRAPHS[op];
  const g = new GraphBuilder();
  for (const [name, dims] of Object.entries(spec.inputs)) g.input({ name, dataType: DataType.FLOAT, dims });
  spec.build(g);
  g.output({ name: 'y', dataType: DataType.FLOAT, dims: Array.from({ length: spec.rank }, (_, i) => `d${i}`) });
  const ort = await loadOrt(ortWasmDir());
  const { device } = await testGpuContext();
  const session = await createSession(ort, device, g.toBytes());
  try {
    const feeds = Object.fromEntries(Object.entries(spec.inputs).map(([name, dims], i) => [name, new ort.Tensor('float32', seededValues(dims.reduce((a, b) => a * b, 1), 10 + i, 1), dims)]));
    return (await runSession(session, feeds)).y.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("onnxruntime-web's WebGPU backend and the preflight's op table", () => {
  it('every table entry has a test graph', () => {
    expect([...CONTRIB_OPS_OK, ...Object.keys(CONTRIB_OPS_REFUSED)].filter((op) => !GRAPHS[op])).toEqual([]);
  });
  for (const op of CONTRIB_OPS_OK) {
    it(`com.microsoft ${op} runs (the preflight lets it through)`, async () => {
      const y = await runOp(op);
      expect(y.length).toBeGreaterThan(0);
      expect(Array.from(y).every(Number.isFinite)).toBe(true);
    });
  }
  for (const op of Object.keys(CONTRIB_OPS_REFUSED)) {
    it(`com.microsoft ${op} does not run (the preflight refuses it)`, async () => {
      await expect(runOp(op)).rejects.toThrow();
    });
  }
});

// The tiny ONNX model of the GPU self-check: y = x · W + b with W, b known in closed form.
import { GraphBuilder, f32Tensor } from '../onnx/builder.ts';
import { DataType } from '../onnx/proto.ts';

export const SELFCHECK_ROWS = 4;
export const SELFCHECK_COLS = 16;

/** W[i][j] = ((i * 7 + j * 3) % 11 - 5) / 8, b[j] = j / 16 - 0.5 */
export function selfCheckWeights(): { w: Float32Array; b: Float32Array } {
  const n = SELFCHECK_COLS;
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i * n + j] = (((i * 7 + j * 3) % 11) - 5) / 8;
  const b = Float32Array.from({ length: n }, (_, j) => j / 16 - 0.5);
  return { w, b };
}

/** CPU reference of the model: x [rows, cols] → y [rows, cols]. */
export function selfCheckReference(x: Float32Array): Float32Array {
  const { w, b } = selfCheckWeights();
  const n = SELFCHECK_COLS;
  const y = new Float32Array(x.length);
  for (let r = 0; r < x.length / n; r++)
    for (let j = 0; j < n; j++) {
      let acc = b[j];
      for (let k = 0; k < n; k++) acc += x[r * n + k] * w[k * n + j];
      y[r * n + j] = acc;
    }
  return y;
}

export function selfCheckModel(): Uint8Array {
  const g = new GraphBuilder();
  const { w, b } = selfCheckWeights();
  const dims = [SELFCHECK_ROWS, SELFCHECK_COLS];
  g.input({ name: 'x', dataType: DataType.FLOAT, dims });
  g.initializer(f32Tensor('W', [SELFCHECK_COLS, SELFCHECK_COLS], w));
  g.initializer(f32Tensor('b', [SELFCHECK_COLS], b));
  g.node('MatMul', ['x', 'W'], ['xw'], { name: '/linear/MatMul' });
  g.node('Add', ['xw', 'b'], ['y'], { name: '/linear/Add' });
  g.output({ name: 'y', dataType: DataType.FLOAT, dims });
  return g.toBytes('selfcheck');
}

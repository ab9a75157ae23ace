// onnxruntime's CPU EP has no kernel for MultiHeadAttention with packed QKV ([B, L, N, 3, H]) or
// packed KV ([B, L, N, 2, H]) — the form ORT's optimizer writes. For CPU reference runs, this
// rewrites each such node into the separate-Q/K/V form the CPU EP supports: Split the packed tensor
// on its 3/2 axis and Reshape each part to [B, L, N·H]. The packed weights are left untouched, so
// a CPU run still checks their interleaving.
import { create, NodeProtoSchema, AttributeProtoSchema, AttributeProto_AttributeType, type ModelProto, type NodeProto } from '../onnx/proto.ts';
import { i64Tensor } from '../onnx/builder.ts';

const FLAT_SHAPE = 'cpu_compat_flat_shape';

function node(opType: string, name: string, input: string[], output: string[], axis?: number): NodeProto {
  const attribute = axis === undefined ? [] : [create(AttributeProtoSchema, { name: 'axis', type: AttributeProto_AttributeType.INT, i: BigInt(axis) })];
  return create(NodeProtoSchema, { opType, name, input, output, attribute });
}

/** Rewrites packed MultiHeadAttention nodes in place; returns how many were rewritten. */
export function unpackMhaForCpu(model: ModelProto): number {
  const graph = model.graph!;
  const out: NodeProto[] = [];
  let count = 0;
  for (const n of graph.node) {
    const packed = n.opType === 'MultiHeadAttention' && (n.input.length === 1 || (n.input.length === 2 && n.input[1]));
    if (!packed) {
      out.push(n);
      continue;
    }
    const src = n.input.length === 1 ? n.input[0] : n.input[1];
    const parts = n.input.length === 1 ? ['q', 'k', 'v'] : ['k', 'v'];
    const split = parts.map((p) => `${n.name}_${p}_packed`);
    out.push(node('Split', `${n.name}_unpack`, [src], split, 3));
    const flat = parts.map((p, i) => {
      const name = `${n.name}_${p}_flat`;
      out.push(node('Reshape', `${n.name}_${p}_reshape`, [split[i], FLAT_SHAPE], [name]));
      return name;
    });
    n.input = n.input.length === 1 ? flat : [n.input[0], ...flat];
    out.push(n);
    count++;
  }
  if (count && !graph.initializer.some((t) => t.name === FLAT_SHAPE)) graph.initializer.push(i64Tensor(FLAT_SHAPE, [3], [0, 0, -1]));
  graph.node = out;
  return count;
}

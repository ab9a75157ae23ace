// onnxruntime 1.30 has no kernel for MultiHeadAttention with packed QKV ([B, L, N, 3, H]) or packed
// KV ([B, L, N, 2, H]) — the form ORT's transformers optimizer writes by default — on the CPU EP nor
// on onnxruntime-web's WebGPU EP ("Packed QKV … not implemented for webgpu"). This rewrites each such
// node into the separate-Q/K/V form both run: Split the packed tensor on its 3/2 axis and Reshape each
// part to [B, L, N·H]. The packed weights are untouched (no copy; a run still checks their layout).
import { create, NodeProtoSchema, AttributeProtoSchema, AttributeProto_AttributeType, type ModelProto, type NodeProto } from './proto.ts';
import { i64Tensor } from './builder.ts';

const FLAT_SHAPE = 'unpack_mha_flat_shape';

function node(opType: string, name: string, input: string[], output: string[], axis?: number): NodeProto {
  const attribute = axis === undefined ? [] : [create(AttributeProtoSchema, { name: 'axis', type: AttributeProto_AttributeType.INT, i: BigInt(axis) })];
  return create(NodeProtoSchema, { opType, name, input, output, attribute });
}

/**
 * Rewrites packed MultiHeadAttention nodes in place (self: packed QKV, cross: packed KV; both by
 * default); returns how many were rewritten.
 */
export function unpackPackedMha(model: ModelProto, which: { self?: boolean; cross?: boolean } = {}): number {
  const { self = true, cross = true } = which;
  const graph = model.graph!;
  const out: NodeProto[] = [];
  let count = 0;
  for (const n of graph.node) {
    const packed = n.opType === 'MultiHeadAttention' && ((self && n.input.length === 1) || (cross && n.input.length === 2 && n.input[1]));
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

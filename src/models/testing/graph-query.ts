// Test support: walk a decoded graph the way onnxruntime's fusion scripts do
// (OnnxModel.match_parent / match_parent_path), to check generated patterns against ORT's matchers.
import type { ModelProto, NodeProto } from '../../onnx/proto.ts';

export class GraphIndex {
  readonly producer = new Map<string, NodeProto>();
  readonly consumers = new Map<string, NodeProto[]>();
  readonly initializers: Set<string>;

  constructor(readonly model: ModelProto) {
    const g = model.graph!;
    this.initializers = new Set(g.initializer.map((t) => t.name));
    for (const n of g.node) {
      for (const o of n.output) this.producer.set(o, n);
      for (const i of n.input) this.consumers.set(i, [...(this.consumers.get(i) ?? []), n]);
    }
  }

  get nodes(): NodeProto[] {
    return this.model.graph!.node;
  }

  byName(name: string): NodeProto {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node named ${name}`);
    return n;
  }

  /** ORT match_parent: the producer of input `index` (or of any input when null) with `opType`. */
  matchParent(node: NodeProto, opType: string, index: number | null): NodeProto | undefined {
    const idx = index === null ? node.input.map((_, i) => i) : [index];
    for (const i of idx) {
      const p = this.producer.get(node.input[i]);
      if (p && p.opType === opType) return p;
    }
    return undefined;
  }

  /** ORT match_parent_path: follow parents of the given types through the given input indices. */
  matchParentPath(node: NodeProto, types: string[], indices: (number | null)[]): NodeProto[] | undefined {
    const path: NodeProto[] = [];
    let cur = node;
    for (let k = 0; k < types.length; k++) {
      const p = this.matchParent(cur, types[k], indices[k]);
      if (!p) return undefined;
      path.push(p);
      cur = p;
    }
    return path;
  }

  children(output: string): NodeProto[] {
    return this.consumers.get(output) ?? [];
  }

  attrInt(node: NodeProto, name: string): number | undefined {
    const a = node.attribute.find((x) => x.name === name);
    return a ? Number(a.i) : undefined;
  }
}

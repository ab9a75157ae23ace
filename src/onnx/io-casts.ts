// Float32 edges around a float16 graph — the form of the public fp16 browser exports. Two tools
// write it, with different names:
//  - 'keep-io-types': onnxruntime's float16 converter with keep_io_types=True (its 2023
//    optimize_pipeline.py, which made the diffusers.js exports): each fp16 graph input becomes
//    float32 and feeds a Cast `graph_input_cast{i}` whose output `graph_input_cast_{i}` the body
//    reads; each fp16 output is produced as `graph_output_cast_{i}` and cast back by
//    `graph_output_cast{i}` (i: the position among the graph's inputs / outputs). The converter
//    appends its input casts after their consumers (ORT sorts on load); here they come first.
//  - 'wrap-fp16': guschmue/ort-web-perf's onnx-wrap-fp16.py (ORT's sd-turbo web model): the body
//    reads `<input>_fp16` from an unnamed Cast inserted at the front, and writes `<output>_fp16`,
//    which an unnamed Cast appended at the end turns into the float32 output.
import { attribute } from './builder.ts';
import { create, DataType, NodeProtoSchema, type ModelProto, type NodeProto, type ValueInfoProto } from './proto.ts';

function isHalf(v: ValueInfoProto): boolean {
  return v.type?.value.case === 'tensorType' && v.type.value.value.elemType === DataType.FLOAT16;
}

function setFloat32(v: ValueInfoProto): void {
  if (v.type?.value.case === 'tensorType') v.type.value.value.elemType = DataType.FLOAT;
}

const cast = (name: string, input: string, output: string, to: DataType) =>
  create(NodeProtoSchema, { opType: 'Cast', name, input: [input], output: [output], domain: '', attribute: [attribute('to', to)] });

export type IoCastStyle = 'keep-io-types' | 'wrap-fp16';

/** Rewrites `model` in place so its fp16 inputs and outputs are float32 behind Cast nodes; returns how many edges changed. */
export function castFloat16IoToFloat32(model: ModelProto, style: IoCastStyle = 'keep-io-types'): number {
  const g = model.graph;
  if (!g) return 0;
  const inits = new Set(g.initializer.map((t) => t.name));
  const rename = (from: string, to: string, where: 'inputs' | 'outputs') => {
    for (const n of g.node) {
      if (where === 'inputs') n.input = n.input.map((x) => (x === from ? to : x));
      else n.output = n.output.map((x) => (x === from ? to : x));
    }
  };
  const front: NodeProto[] = [];
  const back: NodeProto[] = [];
  let changed = 0;
  g.input.forEach((v, i) => {
    if (inits.has(v.name) || !isHalf(v)) return;
    const inner = style === 'wrap-fp16' ? `${v.name}_fp16` : `graph_input_cast_${i}`;
    rename(v.name, inner, 'inputs');
    for (const vi of g.valueInfo) if (vi.name === v.name) vi.name = inner;
    const node = cast(style === 'wrap-fp16' ? '' : `graph_input_cast${i}`, v.name, inner, DataType.FLOAT16);
    if (style === 'wrap-fp16') front.unshift(node); // each inserted at position 0
    else front.push(node);
    setFloat32(v);
    changed++;
  });
  g.output.forEach((v, i) => {
    if (!isHalf(v)) return;
    const inner = style === 'wrap-fp16' ? `${v.name}_fp16` : `graph_output_cast_${i}`;
    rename(v.name, inner, 'outputs');
    for (const vi of g.valueInfo) if (vi.name === v.name) vi.name = inner;
    // a graph output that is also read inside the graph keeps being read as fp16
    for (const n of g.node) n.input = n.input.map((x) => (x === v.name ? inner : x));
    back.push(cast(style === 'wrap-fp16' ? '' : `graph_output_cast${i}`, inner, v.name, DataType.FLOAT));
    setFloat32(v);
    changed++;
  });
  g.node = [...front, ...g.node, ...back];
  return changed;
}

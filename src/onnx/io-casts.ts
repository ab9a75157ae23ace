// Float32 edges around a float16 graph — the form of the public fp16 browser exports (onnxruntime's
// float16 converter with keep_io_types=True, as ORT's own sd-turbo web model is made): every fp16
// graph input becomes float32 and feeds a Cast node `graph_input_cast{i}` whose output
// `graph_input_cast_{i}` the body reads; every fp16 graph output is produced as
// `graph_output_cast_{i}` and cast back to float32 under its own name by `graph_output_cast{i}`
// (names as the converter writes them; i is the position among the graph's inputs / outputs).
// The converter appends its input casts after their consumers and relies on a topological sort
// (ORT sorts on load); here they are placed first so the file is already sorted.
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

/** Rewrites `model` in place so its fp16 inputs and outputs are float32 behind Cast nodes; returns how many edges changed. */
export function castFloat16IoToFloat32(model: ModelProto): number {
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
    const inner = `graph_input_cast_${i}`;
    rename(v.name, inner, 'inputs');
    for (const vi of g.valueInfo) if (vi.name === v.name) vi.name = inner;
    front.push(cast(`graph_input_cast${i}`, v.name, inner, DataType.FLOAT16));
    setFloat32(v);
    changed++;
  });
  g.output.forEach((v, i) => {
    if (!isHalf(v)) return;
    const inner = `graph_output_cast_${i}`;
    rename(v.name, inner, 'outputs');
    for (const vi of g.valueInfo) if (vi.name === v.name) vi.name = inner;
    // a graph output that is also read inside the graph keeps being read as fp16
    for (const n of g.node) n.input = n.input.map((x) => (x === v.name ? inner : x));
    back.push(cast(`graph_output_cast${i}`, inner, v.name, DataType.FLOAT));
    setFloat32(v);
    changed++;
  });
  g.node = [...front, ...g.node, ...back];
  return changed;
}

// Kept for existing imports: the packed-MultiHeadAttention rewrite lives in onnx/unpack-mha.ts
// (it is needed on onnxruntime-web's WebGPU EP too, not only on the CPU EP).
export { unpackPackedMha as unpackMhaForCpu } from '../onnx/unpack-mha.ts';

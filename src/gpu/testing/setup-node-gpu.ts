// Vitest setup for the `gpu` project: Dawn must be navigator.gpu before onnxruntime-web loads.
import { nodeGpu } from '../node-gpu.ts';

await nodeGpu();

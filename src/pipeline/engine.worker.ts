// The engine's Web Worker: hosts SdEngine on the page's one GPU device (webGpuRuntime) and answers
// the main thread's WorkerEngine.
import { SdEngine } from './sd-engine.ts';
import { serveEngine, type Port } from './worker-protocol.ts';
import { webGpuRuntime } from '../gpu/runtime.ts';

const base = new URL(import.meta.env.BASE_URL, self.location.origin).href;
serveEngine(self as unknown as Port, new SdEngine({ gpu: webGpuRuntime({ ortWasmPaths: `${base}ort/` }) }));

// `npm run cli -- <command> …` (see args.ts USAGE). onnxruntime-web's wasm needs V8's Liftoff-only
// mode in Node (shared/WEBGPU_ON_CPU.md): set before ORT loads, and also passed by the npm script.
import { setFlagsFromString } from 'node:v8';
import { runCli } from './run.ts';

setFlagsFromString('--liftoff-only');
const code = await runCli(process.argv.slice(2));
process.exit(code); // Dawn keeps the event loop alive

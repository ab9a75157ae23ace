// Errors from the engine as the UI shows them: plain text with what to do. Engine errors cross
// the worker as {name, message, kind?} (src/pipeline/errors.ts), so they are read by name here
// rather than by class, and state/ never imports pipeline runtime code.

export interface AppError {
  /** the error's name, e.g. 'ModelLoadError', 'WebGPUUnavailableError' */
  name: string;
  /** ModelLoadError kind, when there is one */
  kind?: string;
  message: string;
  /** one sentence on what to do */
  hint?: string;
}

/** Raised by the run slice itself for a request it will not send (bad model, size, busy). */
export class RunRequestError extends Error {
  override name = 'RunRequestError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const LOAD_HINTS: Record<string, string> = {
  'not-found': 'Check the base URL: it must be a diffusers-ONNX folder holding unet/model.onnx, text_encoder/…, vae_decoder/….',
  http: 'The server refused the download; try again later or pick another model.',
  network: 'The download failed: check your connection and that the server allows cross-origin requests (CORS).',
  blocked: 'Use a model on one of the allowed hosts (or from a local folder); whoever deploys the app can add a host as the message says (docs/security.md).',
  truncated: 'The download was cut short; load the model again.',
  format: 'The files are not a Stable Diffusion pipeline in ONNX that this app can read.',
  'missing-file': 'The model folder lacks a file the pipeline needs; pick another model or fix the folder.',
  aborted: 'Loading was cancelled.',
  unsupported: 'This GPU or browser lacks a WebGPU feature the model needs: pick an fp32 model, or use a browser/GPU that offers it.',
};

/** Errors that mean a model file is not what the pipeline needs: shown as a load error of kind 'format'. */
const FORMAT_ERRORS = new Set(['UnetStructureError', 'ModelFormatError', 'NpyFormatError']);

/** What to do without WebGPU: the one place that says which browsers have it. */
export const WEBGPU_HINT =
  'Use a browser with WebGPU: Chrome or Edge 113+ (on Linux start it with --enable-unsafe-webgpu, or turn on chrome://flags/#enable-unsafe-webgpu), Safari 26+, or Firefox 141+ on Windows.';

const HINTS: Record<string, string> = {
  WebGPUUnavailableError: WEBGPU_HINT,
  EngineNotLoadedError: 'Load a model first (Generate loads the selected one).',
  EngineBusyError: 'Wait for the running generation to finish, or cancel it.',
  GenerationInterrupted: 'Generation was cancelled; press Generate to start again.',
};

/** The error's name, message and kind, whatever was thrown. */
export function describeError(e: unknown): AppError {
  if (e instanceof RunRequestError) return { name: e.name, message: e.message, hint: e.hint };
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const err = e as { name?: unknown; message?: unknown; kind?: unknown };
    const name = typeof err.name === 'string' && err.name ? err.name : 'Error';
    const kind = typeof err.kind === 'string' ? err.kind : FORMAT_ERRORS.has(name) ? 'format' : undefined;
    const message = typeof err.message === 'string' && err.message ? err.message : 'Unknown error';
    const hint = (name === 'ModelLoadError' || FORMAT_ERRORS.has(name)) && kind ? LOAD_HINTS[kind] : HINTS[name];
    return { name, message, ...(kind ? { kind } : {}), ...(hint ? { hint } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/** A generation that was stopped on purpose: the engine's GenerationInterrupted or an aborted load. */
export function isInterruption(e: unknown): boolean {
  const err = e as { name?: unknown; kind?: unknown } | null;
  return !!err && (err.name === 'GenerationInterrupted' || err.name === 'AbortError' || (err.name === 'ModelLoadError' && err.kind === 'aborted'));
}

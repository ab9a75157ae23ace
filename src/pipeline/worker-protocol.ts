// The messages between the main thread (WorkerEngine) and the engine's Web Worker (serveEngine),
// a discriminated union matched by request id. Cancellation: an 'interrupt' message naming the
// request, so aborting a request that was refused or has finished never stops another one. The
// device's uncaptured errors come unasked, as 'device-error' events.
import type { CallOptions, Engine, EngineMemory, GenerateResult, GpuStatus, ModelInfo, ModelSource, Progress } from './engine.ts';
import type { GenerateRequest } from '../params/request.ts';
import { deserializeError, serializeError, type SerializedError } from './errors.ts';
import { GenerationInterrupted } from './engine.ts';

export type ToWorker =
  | { type: 'load'; id: number; source: ModelSource }
  | { type: 'generate'; id: number; req: GenerateRequest }
  | { type: 'unload'; id: number }
  | { type: 'memory'; id: number }
  | { type: 'probe'; id: number }
  | { type: 'loseDevice'; id: number }
  /** without `of`: whatever runs; with it: only if request `of` is the one running */
  | { type: 'interrupt'; of?: number };

export type FromWorker =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; value: Answer }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'device-error'; message: string };

type Answer = ModelInfo | GenerateResult | EngineMemory | GpuStatus | null;

/** The part of Worker / MessagePort both sides need. */
export interface Port {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

/** Worker side: answers requests with `engine`; one request at a time is the engine's business. */
export function serveEngine(port: Port, engine: Engine): void {
  // load/generate requests the engine accepted and has not answered (an interrupt names one of them)
  const running = new Set<number>();
  engine.onDeviceError?.((message) => port.postMessage({ type: 'device-error', message } satisfies FromWorker));
  port.addEventListener('message', (e: MessageEvent<ToWorker>) => {
    const msg = e.data;
    if (msg.type === 'interrupt') {
      if (msg.of === undefined || running.has(msg.of)) engine.interrupt();
      return;
    }
    // a step preview's pixels are fresh each step: moved to the main thread, not copied
    const onProgress = (progress: Progress) =>
      port.postMessage({ type: 'progress', id: msg.id, progress } satisfies FromWorker, progress.preview ? [progress.preview.data.buffer as ArrayBuffer] : []);
    const run = answer(engine, msg, onProgress);
    if (msg.type === 'load' || msg.type === 'generate') running.add(msg.id);
    run.then(
      (value) => {
        running.delete(msg.id);
        const transfer = value && 'image' in value ? [value.image.data.buffer as ArrayBuffer] : [];
        port.postMessage({ type: 'result', id: msg.id, value } satisfies FromWorker, transfer);
      },
      (err) => {
        running.delete(msg.id);
        port.postMessage({ type: 'error', id: msg.id, error: serializeError(err) } satisfies FromWorker);
      },
    );
  });
}

function answer(engine: Engine, msg: Extract<ToWorker, { id: number }>, onProgress: (p: Progress) => void): Promise<Answer> {
  switch (msg.type) {
    case 'load':
      return engine.load(msg.source, { onProgress });
    case 'generate':
      return engine.generate(msg.req, { onProgress });
    case 'unload':
      return engine.unload().then(() => null);
    case 'probe':
      return engine.probe();
    case 'memory':
      return engine.memory ? engine.memory() : Promise.reject(new Error('This engine does not report GPU memory.'));
    case 'loseDevice':
      return engine.loseDevice ? engine.loseDevice().then(() => null) : Promise.reject(new Error('This engine has no device to lose.'));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
}

/** Main-thread side: the Engine interface over a port to the worker. */
export class WorkerEngine implements Engine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly errorListeners: ((message: string) => void)[] = [];

  constructor(private readonly port: Port) {
    port.addEventListener('message', (e: MessageEvent<FromWorker>) => {
      const msg = e.data;
      if (msg.type === 'device-error') {
        for (const l of this.errorListeners) l(msg.message);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') return p.onProgress?.(msg.progress);
      this.pending.delete(msg.id);
      if (msg.type === 'result') p.resolve(msg.value as never);
      else p.reject(deserializeError(msg.error));
    });
  }

  private call<T>(msg: DistributiveOmit<Extract<ToWorker, { id: number }>, 'id'>, opts: CallOptions = {}): Promise<T> {
    if (opts.signal?.aborted) return Promise.reject(new GenerationInterrupted());
    const id = this.nextId++;
    const signal = opts.signal;
    const onAbort = () => this.port.postMessage({ type: 'interrupt', of: id } satisfies ToWorker);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        resolve: ((v: T) => (done(), resolve(v))) as (v: never) => void,
        reject: (e) => (done(), reject(e)),
        onProgress: opts.onProgress,
      });
      this.port.postMessage({ ...msg, id });
    });
  }

  load(source: ModelSource, opts?: CallOptions): Promise<ModelInfo> {
    return this.call({ type: 'load', source }, opts);
  }

  generate(req: GenerateRequest, opts?: CallOptions): Promise<GenerateResult> {
    return this.call({ type: 'generate', req }, opts);
  }

  interrupt(): void {
    this.port.postMessage({ type: 'interrupt' } satisfies ToWorker);
  }

  unload(): Promise<void> {
    return this.call<null>({ type: 'unload' }).then(() => undefined);
  }

  probe(): Promise<GpuStatus> {
    return this.call({ type: 'probe' });
  }

  onDeviceError(listener: (message: string) => void): void {
    this.errorListeners.push(listener);
  }

  memory(): Promise<EngineMemory> {
    return this.call({ type: 'memory' });
  }

  loseDevice(): Promise<void> {
    return this.call<null>({ type: 'loseDevice' }).then(() => undefined);
  }
}

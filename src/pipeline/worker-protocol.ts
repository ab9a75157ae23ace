// The messages between the main thread (WorkerEngine) and the engine's Web Worker (serveEngine),
// a discriminated union matched by request id. Cancellation: an 'interrupt' message.
import type { Engine, GenerateRequest, GenerateResult, ModelInfo, ModelSource, Progress } from './engine.ts';
import { deserializeError, serializeError, type SerializedError } from './errors.ts';
import { GenerationInterrupted } from './engine.ts';

export type ToWorker =
  | { type: 'load'; id: number; source: ModelSource }
  | { type: 'generate'; id: number; req: GenerateRequest }
  | { type: 'unload'; id: number }
  | { type: 'interrupt' };

export type FromWorker =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; value: ModelInfo | GenerateResult | null }
  | { type: 'error'; id: number; error: SerializedError };

/** The part of Worker / MessagePort both sides need. */
export interface Port {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

/** Worker side: answers requests with `engine`; one request at a time is the engine's business. */
export function serveEngine(port: Port, engine: Engine): void {
  port.addEventListener('message', (e: MessageEvent<ToWorker>) => {
    const msg = e.data;
    if (msg.type === 'interrupt') return engine.interrupt();
    const onProgress = (progress: Progress) => port.postMessage({ type: 'progress', id: msg.id, progress } satisfies FromWorker);
    const run =
      msg.type === 'load'
        ? engine.load(msg.source, { onProgress })
        : msg.type === 'generate'
          ? engine.generate(msg.req, { onProgress })
          : engine.unload().then(() => null);
    run.then(
      (value) => {
        const transfer = value && 'image' in value ? [value.image.data.buffer as ArrayBuffer] : [];
        port.postMessage({ type: 'result', id: msg.id, value } satisfies FromWorker, transfer);
      },
      (err) => port.postMessage({ type: 'error', id: msg.id, error: serializeError(err) } satisfies FromWorker),
    );
  });
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

  constructor(private readonly port: Port) {
    port.addEventListener('message', (e: MessageEvent<FromWorker>) => {
      const msg = e.data;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') return p.onProgress?.(msg.progress);
      this.pending.delete(msg.id);
      if (msg.type === 'result') p.resolve(msg.value as never);
      else p.reject(deserializeError(msg.error));
    });
  }

  private call<T>(msg: DistributiveOmit<Extract<ToWorker, { id: number }>, 'id'>, opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<T> {
    if (opts.signal?.aborted) return Promise.reject(new GenerationInterrupted());
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject, onProgress: opts.onProgress });
      opts.signal?.addEventListener('abort', () => this.interrupt(), { once: true });
      this.port.postMessage({ ...msg, id });
    });
  }

  load(source: ModelSource, opts?: { signal?: AbortSignal; onProgress?: (p: Progress) => void }): Promise<ModelInfo> {
    return this.call({ type: 'load', source }, opts);
  }

  generate(req: GenerateRequest, opts?: { signal?: AbortSignal; onProgress?: (p: Progress) => void }): Promise<GenerateResult> {
    return this.call({ type: 'generate', req }, opts);
  }

  interrupt(): void {
    this.port.postMessage({ type: 'interrupt' } satisfies ToWorker);
  }

  unload(): Promise<void> {
    return this.call<null>({ type: 'unload' }).then(() => undefined);
  }
}

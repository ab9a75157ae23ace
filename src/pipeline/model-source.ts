// Fetching a Stable Diffusion pipeline in the Hugging Face diffusers-ONNX folder layout from a
// base URL: per-file progress, a persistent cache (Cache Storage) and typed, readable errors.

export type ModelLoadErrorKind = 'not-found' | 'http' | 'network' | 'truncated' | 'format' | 'missing-file' | 'aborted' | 'unsupported';

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
  constructor(
    readonly kind: ModelLoadErrorKind,
    message: string,
    readonly url?: string,
  ) {
    super(message);
  }
}

export interface FileProgress {
  /** path relative to the model's base URL, e.g. 'unet/model.onnx' */
  file: string;
  loaded: number;
  total?: number;
  fromCache: boolean;
  done: boolean;
}

/** Persistent storage of downloaded files, keyed by URL. */
export interface ModelCache {
  match(url: string): Promise<Uint8Array | undefined>;
  put(url: string, bytes: Uint8Array): Promise<void>;
}

/** The Cache Storage cache the engine's downloads go to (src/pipeline/stored-models.ts lists it). */
export const MODEL_CACHE_NAME = 'slothful-models-v1';

/** Cache Storage backed cache; undefined where Cache Storage is missing (Node, insecure origins). */
export async function browserModelCache(name = MODEL_CACHE_NAME): Promise<ModelCache | undefined> {
  if (typeof caches === 'undefined') return undefined;
  const cache = await caches.open(name);
  return {
    async match(url) {
      const hit = await cache.match(url);
      return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
    },
    async put(url, bytes) {
      try {
        await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Length': String(bytes.byteLength) } }));
      } catch {
        // Quota exceeded or private mode: the file still loads, it is only not kept.
      }
    },
  };
}

/** An in-memory cache (tests, Node). */
export function memoryModelCache(): ModelCache & { readonly size: number } {
  const m = new Map<string, Uint8Array>();
  return {
    get size() {
      return m.size;
    },
    match: async (url) => m.get(url),
    put: async (url, bytes) => void m.set(url, bytes),
  };
}

export interface FetchOptions {
  cache?: ModelCache;
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  fetchImpl?: typeof fetch;
}

/**
 * A fetch over a local folder's files (chosen with a directory picker or dropped): `${base}/${path}`
 * answers with the file's bytes, anything else with 404. Nothing is downloaded or cached.
 */
export function localFilesFetch(files: readonly { path: string; blob: Blob }[], base: string): typeof fetch {
  const byPath = new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f.blob]));
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    const blob = url.startsWith(base + '/') ? byPath.get(url.slice(base.length + 1)) : undefined;
    if (!blob) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(blob, { headers: { 'Content-Length': String(blob.size) } });
  }) as typeof fetch;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Fetches `path` under `base` (or from the cache), reporting progress; checks the length. */
export async function fetchModelFile(base: string, path: string, opts: FetchOptions = {}): Promise<Uint8Array> {
  const url = joinUrl(base, path);
  const cached = await opts.cache?.match(url);
  if (cached) {
    opts.onProgress?.({ file: path, loaded: cached.byteLength, total: cached.byteLength, fromCache: true, done: true });
    return cached;
  }
  let res: Response;
  try {
    res = await (opts.fetchImpl ?? fetch)(url, { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw new ModelLoadError('aborted', `Download of ${path} was cancelled.`, url);
    throw new ModelLoadError('network', `Could not reach ${url} (${(e as Error).message}). Check the address and your connection.`, url);
  }
  if (res.status === 404) throw new ModelLoadError('not-found', `${path} was not found at ${url} (HTTP 404). Is the base URL a diffusers-ONNX folder?`, url);
  if (!res.ok) throw new ModelLoadError('http', `Downloading ${path} failed: HTTP ${res.status} ${res.statusText} from ${url}.`, url);
  const encoded = res.headers.get('Content-Encoding');
  const lengthHeader = res.headers.get('Content-Length');
  const total = lengthHeader && !encoded ? Number(lengthHeader) : undefined;
  const bytes = await readBody(res, path, url, total, opts);
  if (total !== undefined && bytes.byteLength !== total) {
    throw new ModelLoadError('truncated', `${path} is truncated: got ${bytes.byteLength} of ${total} bytes from ${url}. Try again.`, url);
  }
  await opts.cache?.put(url, bytes);
  return bytes;
}

async function readBody(res: Response, path: string, url: string, total: number | undefined, opts: FetchOptions): Promise<Uint8Array> {
  const report = (loaded: number, done: boolean) => opts.onProgress?.({ file: path, loaded, total, fromCache: false, done });
  try {
    if (!res.body) {
      const b = new Uint8Array(await res.arrayBuffer());
      report(b.byteLength, true);
      return b;
    }
    const reader = res.body.getReader();
    // Preallocate when the size is known: a 1.7 GB U-Net must not be held twice.
    let buf = new Uint8Array(total ?? 1 << 20);
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.byteLength > buf.byteLength) {
        const grown = new Uint8Array(Math.max(buf.byteLength * 2, loaded + value.byteLength));
        grown.set(buf.subarray(0, loaded));
        buf = grown;
      }
      buf.set(value, loaded);
      loaded += value.byteLength;
      report(loaded, false);
    }
    report(loaded, true);
    return loaded === buf.byteLength ? buf : buf.slice(0, loaded);
  } catch (e) {
    if (opts.signal?.aborted) throw new ModelLoadError('aborted', `Download of ${path} was cancelled.`, url);
    throw new ModelLoadError('truncated', `Download of ${path} broke off (${(e as Error).message}). Try again.`, url);
  }
}

/** A cheap check that bytes are an ONNX model file, with a message that says what they are instead. */
export function checkOnnxBytes(path: string, bytes: Uint8Array): void {
  if (bytes.byteLength < 16) throw new ModelLoadError('format', `${path} is empty or too short (${bytes.byteLength} bytes) to be an ONNX model.`);
  // ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
  if (bytes[0] === 0x08) return;
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trim();
  const looksText = /^[\x20-\x7e\s]+$/.test(head.slice(0, 32));
  const what = head.startsWith('<') ? 'an HTML/XML page' : head.startsWith('{') ? 'a JSON file' : head.startsWith('version https://git-lfs') ? 'a Git LFS pointer, not the file itself' : looksText ? 'a text file' : 'not an ONNX model';
  throw new ModelLoadError('format', `${path} is ${what} (starts with ${JSON.stringify(head.slice(0, 24))}), not an ONNX model.`);
}

export function parseJsonFile<T>(path: string, bytes: Uint8Array): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new ModelLoadError('format', `${path} is not valid JSON (${(e as Error).message}).`);
  }
}

// Fetching a Stable Diffusion pipeline in the Hugging Face diffusers-ONNX folder layout from a
// base URL: per-file progress, a persistent cache (Cache Storage) and typed, readable errors.
import { MODEL_HOSTS_HOME, allowedHostsText, connectAllowed } from '../params/model-url.ts';

/** 'blocked': the app's security policy (CSP connect-src) does not name the host. */
export type ModelLoadErrorKind = 'not-found' | 'http' | 'network' | 'blocked' | 'truncated' | 'format' | 'missing-file' | 'aborted' | 'unsupported';

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
  /** keeps `bytes`; throws when the storage refuses them (quota) */
  put(url: string, bytes: Uint8Array): Promise<void>;
  /** every stored URL with its size */
  list?(): Promise<{ url: string; bytes: number }[]>;
  remove?(url: string): Promise<boolean>;
}

/**
 * Cache Storage first; a file it refuses (over its quota: a 1.7 GB U-Net can be) goes to the next
 * store (OPFS). A file that neither keeps still loads — it is only downloaded again next time.
 */
export function tieredModelCache(stores: ModelCache[]): ModelCache {
  return {
    async match(url) {
      for (const s of stores) {
        const hit = await s.match(url).catch(() => undefined);
        if (hit) return hit;
      }
      return undefined;
    },
    async put(url, bytes) {
      for (const s of stores) {
        try {
          await s.put(url, bytes);
          return;
        } catch {
          // full or unavailable: try the next store
        }
      }
    },
    async list() {
      return (await Promise.all(stores.map((s) => s.list?.() ?? []))).flat();
    },
    async remove(url) {
      const r = await Promise.all(stores.map((s) => s.remove?.(url) ?? false));
      return r.some(Boolean);
    },
  };
}

/** The Origin Private File System as a ModelCache (one file per URL, named by its encoded URL). */
export async function opfsModelCache(dirName = 'slothful-models'): Promise<ModelCache | undefined> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory) return undefined;
  const root = await storage.getDirectory();
  const dir = await root.getDirectoryHandle(dirName, { create: true });
  const nameOf = (url: string) => encodeURIComponent(url);
  return {
    async match(url) {
      try {
        const file = await (await dir.getFileHandle(nameOf(url))).getFile();
        return new Uint8Array(await file.arrayBuffer());
      } catch {
        return undefined;
      }
    },
    async put(url, bytes) {
      const handle = await dir.getFileHandle(nameOf(url), { create: true });
      const w = await handle.createWritable();
      try {
        await w.write(bytes as Uint8Array<ArrayBuffer>);
        await w.close();
      } catch (e) {
        await w.abort().catch(() => undefined);
        await dir.removeEntry(nameOf(url)).catch(() => undefined);
        throw e;
      }
    },
    async list() {
      const out: { url: string; bytes: number }[] = [];
      for await (const [name, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (h.kind === 'file') out.push({ url: decodeURIComponent(name), bytes: (await (h as FileSystemFileHandle).getFile()).size });
      }
      return out;
    },
    async remove(url) {
      return dir.removeEntry(nameOf(url)).then(
        () => true,
        () => false,
      );
    },
  };
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
      // throws on quota: tieredModelCache then tries OPFS
      await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Length': String(bytes.byteLength) } }));
    },
    async list() {
      const out: { url: string; bytes: number }[] = [];
      for (const req of await cache.keys()) out.push({ url: req.url, bytes: Number((await cache.match(req))?.headers.get('Content-Length') ?? 0) });
      return out;
    },
    remove: (url) => cache.delete(url),
  };
}

/** Where the app keeps downloads: Cache Storage, then OPFS for what Cache Storage refuses. */
export async function appModelCache(): Promise<ModelCache | undefined> {
  const stores = [await browserModelCache(), await opfsModelCache().catch(() => undefined)].filter((s): s is ModelCache => Boolean(s));
  return stores.length ? tieredModelCache(stores) : undefined;
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
    list: async () => [...m].map(([url, b]) => ({ url, bytes: b.byteLength })),
    remove: async (url) => m.delete(url),
  };
}

export interface FetchOptions {
  cache?: ModelCache;
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  fetchImpl?: typeof fetch;
  /**
   * The origin whose CSP governs the fetch (default: this page's or worker's; none in Node). A
   * failed fetch to a host its connect-src does not name is reported as 'blocked', with the list.
   */
  pageOrigin?: string;
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
    throw networkError(url, path, e as Error, 'pageOrigin' in opts ? opts.pageOrigin : globalThis.location?.origin);
  }
  if (res.status === 404) throw new ModelLoadError('not-found', `${path} was not found at ${url} (HTTP 404). Is the base URL a diffusers-ONNX folder?`, url);
  if (!res.ok) throw new ModelLoadError('http', `Downloading ${path} failed: HTTP ${res.status} ${res.statusText} from ${url}.`, url);
  // A web app's fallback page (a dev or preview server answers unknown paths with its index.html)
  // is the server's way of saying "no such file": report it as not found, not as a broken file.
  if (/^text\/html\b/i.test(res.headers.get('Content-Type') ?? '') && !/\.html?$/i.test(path)) {
    throw new ModelLoadError('not-found', `${path} was not found at ${url}: the server answered with a web page (HTML), not the file. Is the base URL a diffusers-ONNX folder?`, url);
  }
  const encoded = res.headers.get('Content-Encoding');
  const lengthHeader = res.headers.get('Content-Length');
  const total = lengthHeader && !encoded ? Number(lengthHeader) : undefined;
  const bytes = await readBody(res, path, url, total, opts);
  if (total !== undefined && bytes.byteLength !== total) {
    throw new ModelLoadError('truncated', `${path} is truncated: got ${bytes.byteLength} of ${total} bytes from ${url}. Try again.`, url);
  }
  await opts.cache?.put(url, bytes).catch(() => undefined); // not kept: it loads, and is downloaded again next time
  return bytes;
}

/**
 * A fetch that threw: in a browser, a host the CSP's connect-src refuses fails exactly like a
 * connection that broke (a TypeError), so the URL is checked against the policy's list here.
 */
function networkError(url: string, path: string, e: Error, pageOrigin: string | undefined): ModelLoadError {
  if (pageOrigin && !connectAllowed(url, pageOrigin)) {
    let host = url;
    try {
      host = new URL(url, pageOrigin).origin;
    } catch {
      // not a URL at all: named as given
    }
    return new ModelLoadError(
      'blocked',
      `This app's security policy (Content-Security-Policy connect-src) does not allow downloads from ${host}, so the browser refused ${path}. Allowed: ${allowedHostsText(pageOrigin)}. To add a host, put it in ${MODEL_HOSTS_HOME} and deploy again.`,
      url,
    );
  }
  return new ModelLoadError('network', `Could not reach ${url} (${e.message}). Check the address and your connection.`, url);
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

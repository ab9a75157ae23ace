// A `fetch` for model folders on disk, so loadSdPipeline reads a local diffusers-ONNX folder the
// same way it downloads one: file:// URLs or plain paths → a streamed Response (with
// Content-Length), 404 for a missing file or a directory. http(s) goes to the real fetch.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function isRemote(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** The base URL loadSdPipeline should get for `--model`: URLs as they are, paths as file:// URLs. */
export function modelBase(location: string): string {
  if (isRemote(location) || location.startsWith('file://')) return location;
  return pathToFileURL(resolve(location)).href;
}

function pathOf(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url;
}

/** Serves files from disk; falls through to `fallback` (global fetch) for http(s). */
export function fileFetch(fallback: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (isRemote(url)) return fallback(input, init);
    const path = pathOf(url);
    let size: number;
    try {
      const s = await stat(path);
      if (!s.isFile()) return new Response(`${path} is not a file`, { status: 404, statusText: 'Not Found' });
      size = s.size;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return new Response(`${path} does not exist`, { status: 404, statusText: 'Not Found' });
      return new Response(`${path}: ${(e as Error).message}`, { status: 403, statusText: 'Forbidden' });
    }
    const body = Readable.toWeb(createReadStream(path, { signal: init?.signal ?? undefined })) as ReadableStream<Uint8Array>;
    return new Response(body, { status: 200, headers: { 'Content-Length': String(size) } });
  };
}

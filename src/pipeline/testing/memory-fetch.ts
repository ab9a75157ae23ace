// A fetch over in-memory files (a synthetic pipeline built in a test): 404 for anything else.
export function memoryFetch(files: Map<string, Uint8Array>, base: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    const path = url.startsWith(base) ? url.slice(base.length).replace(/^\/+/, '') : url;
    const bytes = files.get(path);
    if (!bytes) return new Response('not found', { status: 404 });
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Length': String(bytes.byteLength) } });
  }) as typeof fetch;
}

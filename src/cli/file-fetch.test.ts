import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchModelFile, ModelLoadError } from '../pipeline/model-source.ts';
import { fileFetch, isRemote, modelBase } from './file-fetch.ts';

const dir = mkdtempSync(join(tmpdir(), 'slothful-ff-'));
mkdirSync(join(dir, 'unet'));
const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) & 255);
writeFileSync(join(dir, 'unet', 'model.onnx'), bytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileFetch', () => {
  it.each([['plain path', dir], ['file:// URL', pathToFileURL(dir).href]])('serves a file under a %s with its length', async (_, base) => {
    const res = await fileFetch()(`${base}/unet/model.onnx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Length')).toBe(String(bytes.byteLength));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });
  it.each([['missing file', 'unet/weights.pb'], ['directory', 'unet'], ['under a file', 'unet/model.onnx/x']])('%s → 404', async (_, path) => {
    expect((await fileFetch()(join(dir, path))).status).toBe(404);
  });
  it('sends http(s) to the fallback fetch', async () => {
    const seen: string[] = [];
    const fallback = (async (u: string) => (seen.push(u), new Response('x'))) as typeof fetch;
    await fileFetch(fallback)('https://example.org/m/unet/model.onnx');
    expect(seen).toEqual(['https://example.org/m/unet/model.onnx']);
  });
  it('works as loadSdPipeline’s fetchImpl: bytes through the model-source reader, not-found typed', async () => {
    const base = modelBase(dir);
    expect(base.startsWith('file://')).toBe(true);
    expect(await fetchModelFile(base, 'unet/model.onnx', { fetchImpl: fileFetch() })).toEqual(bytes);
    await expect(fetchModelFile(base, 'vae_decoder/model.onnx', { fetchImpl: fileFetch() })).rejects.toMatchObject({ kind: 'not-found' } satisfies Partial<ModelLoadError>);
  });
  it('isRemote', () => {
    expect([isRemote('https://a/b'), isRemote('HTTP://a'), isRemote('/tmp/x'), isRemote('file:///x')]).toEqual([true, true, false, false]);
  });
});

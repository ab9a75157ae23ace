// fetchModelFile's errors for what a person types as a model URL: a web app's HTML fallback page
// is "not found" (not "not valid JSON"), and a fetch the CSP refused names the allowed hosts
// instead of blaming the connection.
import { describe, expect, it } from 'vitest';
import { ModelLoadError, fetchModelFile } from './model-source.ts';

const ORIGIN = 'http://127.0.0.1:4173';

/** What fetchModelFile throws (or fails the test). */
async function failure(p: Promise<unknown>): Promise<ModelLoadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    return e as ModelLoadError;
  }
  throw new Error('expected a ModelLoadError');
}

const answer = (body: string, type: string): typeof fetch => (async () => new Response(body, { status: 200, headers: { 'Content-Type': type } })) as typeof fetch;
const refused: typeof fetch = async () => {
  throw new TypeError('Failed to fetch');
};

describe('fetchModelFile', () => {
  it('an HTML page where a model file was expected (a preview server\'s index.html fallback) is "not found"', async () => {
    const html = answer('<!doctype html><html><head><title>Slothful</title></head></html>', 'text/html; charset=utf-8');
    const e = await failure(fetchModelFile(`${ORIGIN}/not a url`, 'model_index.json', { fetchImpl: html }));
    expect(e.kind).toBe('not-found');
    expect(e.message).toBe(`model_index.json was not found at ${ORIGIN}/not a url/model_index.json: the server answered with a web page (HTML), not the file. Is the base URL a diffusers-ONNX folder?`);
    expect((await failure(fetchModelFile(ORIGIN, 'unet/model.onnx', { fetchImpl: html }))).kind).toBe('not-found');
  });

  it('the same bytes with a file type still load (the check reads the answer\'s type, not the text)', async () => {
    const bytes = await fetchModelFile(ORIGIN, 'model_index.json', { fetchImpl: answer('{"a":1}', 'application/json') });
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}');
  });

  it('a refused fetch to a host the CSP does not name is "blocked", with the allowed hosts and how to add one', async () => {
    const e = await failure(fetchModelFile('https://example.com/sd', 'unet/model.onnx', { fetchImpl: refused, pageOrigin: ORIGIN }));
    expect(e.kind).toBe('blocked');
    expect(e.message).toBe(
      "This app's security policy (Content-Security-Policy connect-src) does not allow downloads from https://example.com, so the browser refused unet/model.onnx. " +
        `Allowed: this page's origin (${ORIGIN}), https://huggingface.co, https://*.huggingface.co, https://*.hf.co. ` +
        'To add a host, put it in MODEL_HOSTS in src/params/model-url.ts (and public/_headers) and deploy again.',
    );
  });

  it('a refused fetch to an allowed host (or with no page, in Node) is still a network error', async () => {
    for (const [base, pageOrigin] of [['https://huggingface.co/x/resolve/main', ORIGIN], [`${ORIGIN}/models/x`, ORIGIN], ['https://example.com/sd', undefined]] as const) {
      const e = await failure(fetchModelFile(base, 'unet/model.onnx', { fetchImpl: refused, pageOrigin }));
      expect(e.kind, base).toBe('network');
      expect(e.message, base).toMatch(/^Could not reach .*\(Failed to fetch\)\. Check the address and your connection\.$/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { memoryModelCache, tieredModelCache, type ModelCache } from './model-source.ts';
import { deleteStoredModel, listStoredModels, storedBaseOf } from './stored-models.ts';
import { MODEL_REGISTRY } from './registry.ts';

const bytes = (n: number) => new Uint8Array(n);

/** A store that refuses files over `limit` bytes, as a full Cache Storage does. */
function quotaStore(limit: number): ModelCache & { size: number } {
  const inner = memoryModelCache();
  return {
    get size() {
      return inner.size;
    },
    match: inner.match,
    put: async (url, b) => {
      if (b.byteLength > limit) throw new DOMException('Quota exceeded', 'QuotaExceededError');
      await inner.put(url, b);
    },
    list: inner.list,
    remove: inner.remove,
  };
}

describe('tieredModelCache (Cache Storage, then OPFS)', () => {
  it('a file the first store refuses goes to the next; both are found, listed and removed', async () => {
    const first = quotaStore(100);
    const second = memoryModelCache();
    const c = tieredModelCache([first, second]);
    await c.put('https://x/a/unet/model.onnx', bytes(1000));
    await c.put('https://x/a/tokenizer/vocab.json', bytes(10));
    expect([first.size, second.size]).toEqual([1, 1]);
    expect((await c.match('https://x/a/unet/model.onnx'))?.byteLength).toBe(1000);
    expect((await c.list!()).map((e) => e.url).sort()).toEqual(['https://x/a/tokenizer/vocab.json', 'https://x/a/unet/model.onnx']);
    expect(await c.remove!('https://x/a/unet/model.onnx')).toBe(true);
    expect(await c.match('https://x/a/unet/model.onnx')).toBeUndefined();
  });
  it('a file no store keeps is not an error (it loads and is downloaded again next time)', async () => {
    await expect(tieredModelCache([quotaStore(1)]).put('u', bytes(5))).resolves.toBeUndefined();
  });
});

describe('stored models', () => {
  it('groups files by registry base (or the folder above a custom model\'s file) and deletes per model', async () => {
    const sd = MODEL_REGISTRY.find((e) => e.id === 'sd-turbo')!.base;
    expect(storedBaseOf(`${sd}/unet/model.onnx`)).toBe(sd);
    expect(storedBaseOf('https://example.org/m/unet/model.onnx')).toBe('https://example.org/m');
    expect(storedBaseOf('https://example.org/m/model_index.json')).toBe('https://example.org/m');
    expect(storedBaseOf('https://example.org/m/tokenizer/vocab.json')).toBe('https://example.org/m');
    const c = memoryModelCache();
    await c.put(`${sd}/unet/model.onnx`, bytes(300));
    await c.put(`${sd}/text_encoder/model.onnx`, bytes(100));
    await c.put('https://example.org/m/unet/model.onnx', bytes(50));
    expect(await listStoredModels(c)).toEqual([
      { base: sd, label: 'SD-Turbo (fp16, ORT web)', files: 2, bytes: 400 },
      { base: 'https://example.org/m', label: 'https://example.org/m', files: 1, bytes: 50 },
    ]);
    expect(await deleteStoredModel(sd, c)).toBe(2);
    expect((await listStoredModels(c)).map((m) => m.base)).toEqual(['https://example.org/m']);
  });
});

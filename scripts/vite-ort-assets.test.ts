import { describe, expect, it } from 'vitest';
import { ORT_FILES, ortAssetName } from './vite-ort-assets.ts';

describe('ortAssetName: which dev-server requests get onnxruntime-web files', () => {
  it.each(ORT_FILES)('serves %s with or without a query (Vite asks for ?import)', (f) => {
    expect(ortAssetName(`/ort/${f}`)).toBe(f);
    expect(ortAssetName(`/ort/${f}?import`)).toBe(f);
    expect(ortAssetName(`/ort/${f}?v=1&import`)).toBe(f);
  });

  it.each([undefined, '/', '/ort/', '/ort/other.wasm', '/x/ort/ort-wasm-simd-threaded.asyncify.wasm', '/ort/../package.json', '/ort/ort-wasm-simd-threaded.asyncify.wasm/x'])('passes %s on', (u) => {
    expect(ortAssetName(u)).toBeNull();
  });
});

// Vite plugin: serves onnxruntime-web's WebGPU wasm runtime from our own origin under /ort/
// (dev server) and copies it into the build, so the app works offline once loaded.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];

function ortFile(name: string): string {
  return createRequire(import.meta.url).resolve(`onnxruntime-web/${name}`);
}

/** onnxruntime-web's WebGPU build without the wasm runtime inlined (it imports it from wasmPaths). */
export function ortNonBundledEntry(): string {
  return ortFile('ort-wasm-simd-threaded.asyncify.wasm').replace(/ort-wasm-simd-threaded\.asyncify\.wasm$/, 'ort.webgpu.min.mjs');
}

/** The ORT file a dev-server request asks for, or null. Vite's client adds queries such as `?import`. */
export function ortAssetName(url: string | undefined): string | null {
  const name = url?.match(/^\/ort\/([\w.-]+)(?:\?[^#]*)?$/)?.[1];
  return name && ORT_FILES.includes(name) ? name : null;
}

export function ortAssets(): Plugin {
  return {
    name: 'slothful-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = ortAssetName(req.url);
        if (!name) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.end(readFileSync(ortFile(name)));
      });
    },
    generateBundle() {
      for (const name of ORT_FILES) this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(ortFile(name)) });
    },
  };
}

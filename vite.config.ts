// Vite config: React app; onnxruntime-web's wasm is copied to our own origin (see src/gpu/ort.ts).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { ortAssets, ortNonBundledEntry } from './scripts/vite-ort-assets.ts';

export default defineConfig({
  plugins: [react(), ortAssets()],
  // The non-bundled ORT entry loads its wasm runtime from ort.env.wasm.wasmPaths (/ort/), so the
  // 27 MB wasm ships once, from our origin.
  resolve: { alias: [{ find: /^onnxruntime-web\/webgpu$/, replacement: ortNonBundledEntry() }] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

// Vite config: React app; onnxruntime-web's wasm is copied to our own origin (see src/gpu/ort.ts).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { ortAssets } from './scripts/vite-ort-assets.ts';

export default defineConfig({
  plugins: [react(), ortAssets()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

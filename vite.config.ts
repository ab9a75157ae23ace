// Vite config: React app; onnxruntime-web's wasm is copied to our own origin (see src/gpu/ort.ts);
// the security headers (docs/security.md) are sent by `vite preview` and the dev server alike, and
// public/_headers carries the same preview policy to static hosts (an e2e test keeps them equal).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { ortAssets, ortNonBundledEntry } from './scripts/vite-ort-assets.ts';
// Where models may be downloaded from: one list, which the app also reads to explain a refused fetch.
import { MODEL_HOSTS } from './src/params/model-url.ts';

export { MODEL_HOSTS };

/** The app's Content-Security-Policy; `dev` adds what Vite's dev server injects (inline React Refresh preamble and styles, HMR socket). */
export function contentSecurityPolicy(dev = false): string {
  const d: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...(dev ? ["'unsafe-inline'"] : [])],
    'worker-src': ["'self'"],
    'connect-src': ["'self'", ...MODEL_HOSTS, ...(dev ? ['ws:'] : [])],
    'img-src': ["'self'", 'blob:', 'data:'],
    'style-src': ["'self'", ...(dev ? ["'unsafe-inline'"] : [])],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(d)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

export function securityHeaders(dev = false): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(dev),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

export default defineConfig({
  plugins: [react(), ortAssets()],
  // The non-bundled ORT entry loads its wasm runtime from ort.env.wasm.wasmPaths (/ort/), so the
  // 27 MB wasm ships once, from our origin.
  resolve: { alias: [{ find: /^onnxruntime-web\/webgpu$/, replacement: ortNonBundledEntry() }] },
  // The dev server pre-bundles what the engine worker imports too (its scan starts at index.html and
  // does not follow `new Worker(new URL(…))`; a dependency found later reloads the page).
  optimizeDeps: { entries: ['index.html', 'src/pipeline/engine.worker.ts'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { host: '127.0.0.1', headers: securityHeaders(true) },
  preview: { host: '127.0.0.1', headers: securityHeaders() },
});

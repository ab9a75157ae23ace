// Playwright: e2e specs against the built app (vite preview on 127.0.0.1) in Debian's Chromium.
// WebGPU runs on SwiftShader there (--enable-unsafe-webgpu); browsers are never downloaded.
import { defineConfig } from '@playwright/test';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const QUIET = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PORT = Number(process.env.E2E_PORT ?? 4173);
// E2E_OUTDIR: serve another build folder (parallel local runs: `vite build --outDir dist-x`).
const OUTDIR = process.env.E2E_OUTDIR ?? 'dist';
// E2E_DEV=1: run against the dev server (`vite`) instead of the build, e.g. for e2e/gpu-status.spec.ts.
const SERVER = process.env.E2E_DEV ? 'npx vite' : `npx vite preview --outDir ${OUTDIR}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${PORT}`, viewport: { width: 1280, height: 800 } },
  webServer: {
    command: `${SERVER} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
  projects: [
    {
      name: 'webgpu',
      testIgnore: /no-webgpu\.spec\.ts/,
      use: { browserName: 'chromium', launchOptions: { executablePath: CHROMIUM, args: [...QUIET, '--enable-unsafe-webgpu'] } },
    },
    {
      name: 'no-webgpu',
      testMatch: /no-webgpu\.spec\.ts/,
      use: { browserName: 'chromium', launchOptions: { executablePath: CHROMIUM, args: [...QUIET, '--disable-webgpu'] } },
    },
  ],
});

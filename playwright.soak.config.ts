// Playwright for the soak suite only (`npm run test:soak`): e2e/*.long.ts, which the default config
// (playwright.config.ts, run by `npm test`) does not collect. Same server, browser and flags.
import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

export default defineConfig({
  ...base,
  testMatch: /\.long\.ts$/,
  timeout: 4 * 3_600_000,
  outputDir: 'test-results/soak',
  projects: (base.projects ?? []).filter((p) => p.name === 'webgpu'),
});

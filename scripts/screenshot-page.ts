// The one way the screenshot scripts open the app: Debian's Chromium with WebGPU (SwiftShader here),
// the page at `url`, the in-page API present and the GPU self-check passed.
import { chromium, type Browser, type Page } from '@playwright/test';

/** The app's URL from the first argument (default: `npm start`'s). */
export function appUrl(argv = process.argv): string {
  return argv[2] && !argv[2].startsWith('--') ? argv[2] : 'http://127.0.0.1:4173/';
}

/** Runs `fn` on a ready app page, then closes the browser. */
export async function withAppPage(url: string, viewport: { width: number; height: number }, fn: (page: Page) => Promise<void>): Promise<void> {
  const browser: Browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage({ viewport });
    await page.goto(url);
    await page.waitForFunction(() => Boolean(window.__slothful));
    const gpu = await page.evaluate(() => window.__slothful!.gpuSettled());
    if (gpu.kind !== 'ready') throw new Error(`WebGPU is not ready: ${gpu.kind}`);
    await fn(page);
  } finally {
    await browser.close();
  }
}

// Makes docs/screenshots/compare-toy.png: the compare view on the embedded toy model (SA off vs
// the strongest preset, "img2img / second pass", same seed) in Debian's Chromium on SwiftShader,
// and prints how long each generation took. Needs the app served (npm start, or vite preview):
//   npx vite-node scripts/screenshot-compare.ts -- [http://127.0.0.1:4173/] [prompt]
import { chromium } from '@playwright/test';

const url = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'http://127.0.0.1:4173/';
const prompt = process.argv[3] ?? 'a red circle on a white background';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.waitForFunction(() => Boolean(window.__slothful));
  const gpu = await page.evaluate(() => window.__slothful!.gpuSettled());
  if (gpu.kind !== 'ready') throw new Error(`WebGPU is not ready: ${gpu.kind}`);
  await page.evaluate((p) => {
    const s = window.__slothful!.state();
    s.setGen('prompt', p);
    s.applyPreset('second-pass');
  }, prompt);
  const t0 = Date.now();
  const outcome = await page.evaluate(() => window.__slothful!.compare());
  if (outcome !== 'done') throw new Error(`compare ended ${outcome}`);
  const runs = await page.evaluate(() => window.__slothful!.history().map((r) => ({ label: r.label, total: r.timings.total })));
  console.log(`compare took ${((Date.now() - t0) / 1000).toFixed(1)} s (model load included); generations: ${JSON.stringify(runs)}`);
  await page.getByTestId('compare-view').screenshot({ path: 'docs/screenshots/compare-toy.png' });
  console.log('wrote docs/screenshots/compare-toy.png');
} finally {
  await browser.close();
}

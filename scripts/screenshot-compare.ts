// Makes docs/screenshots/compare-toy.png: the compare view on the embedded toy model (SA off vs
// the strongest preset, "img2img / second pass", same seed) in Debian's Chromium on SwiftShader,
// and prints how long each generation took. Needs the app served (npm start, or vite preview):
//   npx vite-node scripts/screenshot-compare.ts -- [http://127.0.0.1:4173/] [prompt]
import { appUrl, withAppPage } from './screenshot-page.ts';

const prompt = process.argv[3] ?? 'a red circle on a white background';
await withAppPage(appUrl(), { width: 1280, height: 900 }, async (page) => {
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
});

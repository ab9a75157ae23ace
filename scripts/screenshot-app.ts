// Makes docs/screenshots/desktop.png (1280×800) and mobile.png (390×844): the app as it opens on
// the embedded toy model, after one generation with its defaults, in Debian's Chromium on
// SwiftShader. Needs the app served (npm start, or vite preview):
//   npx vite-node scripts/screenshot-app.ts -- [http://127.0.0.1:4173/]
import { appUrl, withAppPage } from './screenshot-page.ts';

await withAppPage(appUrl(), { width: 1280, height: 800 }, async (page) => {
  const outcome = await page.evaluate(() => window.__slothful!.generate());
  if (outcome !== 'done') throw new Error(`generate ended ${outcome}`);
  await page.getByTestId('main-image').waitFor();
  await page.screenshot({ path: 'docs/screenshots/desktop.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'docs/screenshots/mobile.png' });
  console.log('wrote docs/screenshots/desktop.png and mobile.png');
});

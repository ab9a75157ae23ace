// The whole pipeline in Chromium (WebGPU on SwiftShader) on the embedded tiny model: text encoder,
// U-Net segments + our SA kernels, scheduler, VAE — through the worker engine.
import { test, expect } from './fixture.ts';

test('generates an image on the embedded model; same seed ⇒ same pixels', async ({ app, page }) => {
  test.setTimeout(900_000);
  await app.open('?v=1&w=64&h=64&st=2&s=7');
  expect((await app.gpuSettled()).kind).toBe('ready');
  const outcome = await page.evaluate(() => window.__slothful!.generate());
  const run = await page.evaluate(() => window.__slothful!.state().run);
  expect(outcome, JSON.stringify(run)).toBe('done');
  const r = await page.evaluate(() => window.__slothful!.lastResult());
  expect(r).not.toBeNull();
  expect([r!.width, r!.height]).toEqual([64, 64]);
  expect(r!.timesteps.length).toBe(2);
  expect(r!.meanRgba.every(Number.isFinite)).toBe(true);
  await expect(page.getByTestId('main-image')).toBeVisible();
});

// Workflows around generation in Chromium (SwiftShader, embedded tiny model, 128², 1 step):
// cancel mid-generation, a 2×2 X/Y sweep, and the PNG round trip (download → drop → restored).
import { test, expect } from './fixture.ts';

test.setTimeout(1_200_000);

test('cancel stops a generation in flight; the next one works', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=128&h=128&st=4&s=3');
  expect((await app.gpuSettled()).kind).toBe('ready');
  await page.evaluate(() => {
    void window.__slothful!.generate();
  });
  await page.waitForFunction(() => window.__slothful!.state().run.progress?.stage === 'unet', undefined, { timeout: 600_000, polling: 200 });
  await page.getByTestId('cancel').click();
  const run = await page.evaluate(() => window.__slothful!.waitIdle());
  expect(run.outcome).toBe('cancelled');
  expect(await page.evaluate(() => window.__slothful!.history().length)).toBe(0);
  await page.evaluate(() => window.__slothful!.state().setGen('steps', 1));
  expect(await page.evaluate(() => window.__slothful!.generate())).toBe('done');
});

test('X/Y sweep 2×2: four labelled images in row order', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=128&h=128&st=1&s=3');
  expect((await app.gpuSettled()).kind).toBe('ready');
  await page.evaluate(() => {
    const s = window.__slothful!.state();
    s.setSweepAxis('x', { path: 'seed', values: [1, 2] });
    s.setSweepAxis('y', { path: 'sa.in.strength', values: [0, 9] });
  });
  expect(await page.evaluate(() => window.__slothful!.sweep())).toBe('done');
  const cells = await page.evaluate(() => window.__slothful!.state().sweep.cells.map((c) => c && { seed: c.seed, strength: c.params.sa.in.strength }));
  expect(cells).toEqual([
    { seed: 1, strength: 0 },
    { seed: 2, strength: 0 },
    { seed: 1, strength: 9 },
    { seed: 2, strength: 9 },
  ]);
  await expect(page.getByTestId('sweep-grid')).toBeVisible();
});

test('PNG round trip: a downloaded image restores its parameters when dropped on the page', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=128&h=128&st=1&s=42&p=a+green+sloth&sa.in.strength=7.5');
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await page.evaluate(() => window.__slothful!.generate())).toBe('done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-png').click()]);
  const bytes = await (await download.createReadStream()).toArray();
  const b64 = Buffer.concat(bytes).toString('base64');
  await page.evaluate(() => {
    const s = window.__slothful!.state();
    s.setGen('seed', 999);
    s.setGen('prompt', 'something else');
  });
  await page.evaluate((data) => {
    const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'slothful.png', { type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(file);
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await page.waitForFunction(() => window.__slothful!.state().params.gen.seed === 42, undefined, { timeout: 10_000 });
  const gen = await page.evaluate(() => window.__slothful!.state().params.gen);
  expect([gen.seed, gen.prompt, gen.steps, gen.width]).toEqual([42, 'a green sloth', 1, 128]);
  expect(await page.evaluate(() => window.__slothful!.state().params.sa.in.strength)).toBe(7.5);
});

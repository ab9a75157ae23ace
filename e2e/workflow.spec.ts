// Workflows around generation in Chromium (SwiftShader, embedded tiny model, 128², 1 step):
// cancel mid-generation, a 2×2 X/Y sweep, and the PNG round trip (download → drop → restored).
import { test, expect } from './fixture.ts';

test.setTimeout(1_200_000);

test('cancel stops a generation in flight; the next one works', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=128&h=128&st=4&s=3');
  expect((await app.gpuSettled()).kind).toBe('ready');
  const cancelled = app.generate();
  await app.waitForState((s) => s.run.progress?.stage === 'unet', { timeout: 600_000, polling: 200 });
  await page.getByTestId('cancel').click();
  const run = await app.waitIdle();
  await cancelled;
  expect(run.outcome).toBe('cancelled');
  expect((await app.history()).length).toBe(0);
  await app.setGen({ steps: 1 });
  expect(await app.generate()).toBe('done');
});

test('X/Y sweep 2×2: four labelled images in row order', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=128&h=128&st=1&s=3');
  expect((await app.gpuSettled()).kind).toBe('ready');
  await app.setSweepAxis('x', { path: 'seed', values: [1, 2] });
  await app.setSweepAxis('y', { path: 'sa.in.strength', values: [0, 9] });
  expect(await app.sweep()).toBe('done');
  const cells = await app.state((s) => s.sweep.cells.map((c) => c && { seed: c.seed, strength: c.params.sa.in.strength }));
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
  expect(await app.generate()).toBe('done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-png').click()]);
  const bytes = await (await download.createReadStream()).toArray();
  const b64 = Buffer.concat(bytes).toString('base64');
  await app.setGen({ seed: 999, prompt: 'something else' });
  await page.evaluate((data) => {
    const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'slothful.png', { type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(file);
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await app.waitForState((s) => s.params.gen.seed === 42, { timeout: 10_000 });
  const gen = await app.state((s) => s.params.gen);
  expect([gen.seed, gen.prompt, gen.steps, gen.width]).toEqual([42, 'a green sloth', 1, 128]);
  expect(await app.state((s) => s.params.sa.in.strength)).toBe(7.5);
});

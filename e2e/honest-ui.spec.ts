// Issue 21, part B, in Chromium (SwiftShader, embedded tiny model at 64×64): the first comparison in
// a fresh page warms up before its timed pair and says so (bug 1; its ratios are printed, never
// asserted: timings live in reports, not in tests); a Slothful PNG chosen as the img2img image is
// pixels only until "Restore the PNG’s settings" (bug 5); the sweep will not run text that does
// not parse, and fits out-of-range values with a notice (bug 7).
import { test, expect } from './fixture.ts';

test.setTimeout(1_200_000);

test('a fresh page’s first comparison pays no compiles: warm-up first, and the table says who paid', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=64&h=64&st=4&s=5&sa.in.strength=9&sa.out.strength=9&sa.time_decay=0');
  expect((await app.gpuSettled()).kind).toBe('ready');
  const ratio = () => app.state((s) => ({ off: s.compare.baseline!.timings.total, on: s.compare.sa!.timings.total, warmUp: s.compare.warmUp }));
  expect(await app.compare()).toBe('done');
  const fresh = await ratio();
  expect(fresh.warmUp?.kind).toBe('ran');
  await page.getByTestId('tab-compare').click();
  await expect(page.getByTestId('compile-note')).toContainText('an untimed warm-up (2 steps');
  expect(await app.state((s) => s.history.items.map((r) => r.label))).toEqual(['Compare: baseline', 'Compare: with SA']);
  expect(await app.compare()).toBe('done');
  const warm = await ratio();
  expect(warm.warmUp?.kind).toBe('earlier');
  await expect(page.getByTestId('compile-note')).toContainText('an earlier comparison in this page');
  const line = `fresh page: SA off ${fresh.off.toFixed(0)} ms, SA on ${fresh.on.toFixed(0)} ms, ratio ${(fresh.on / fresh.off).toFixed(3)}; ` +
    `warm page: SA off ${warm.off.toFixed(0)} ms, SA on ${warm.on.toFixed(0)} ms, ratio ${(warm.on / warm.off).toFixed(3)}; ` +
    `warm-up ${fresh.warmUp?.kind === 'ran' ? fresh.warmUp.ms.toFixed(0) : '?'} ms`;
  console.log(`compare timings (bug 1): ${line}`);
  test.info().annotations.push({ type: 'compare timings', description: line });
});

test('a Slothful PNG as the img2img image keeps my settings; "Restore the PNG’s settings" brings back its own', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=64&h=64&st=1&s=42&p=a+green+sloth&sa.in.strength=7.5');
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.generate()).toBe('done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-png').click()]);
  const buffer = Buffer.concat(await (await download.createReadStream()).toArray());
  await app.setGen({ seed: 999, prompt: 'my own prompt', steps: 2 });
  await page.getByTestId('init-drop').locator('input[type=file]').setInputFiles({ name: 'slothful.png', mimeType: 'image/png', buffer });
  await app.waitForState((s) => s.initImage !== null, { timeout: 10_000 });
  const restore = page.getByTestId('init-settings').getByRole('button', { name: 'Restore the PNG’s settings' });
  await expect(restore).toBeVisible();
  expect(await app.state((s) => [s.params.gen.seed, s.params.gen.prompt, s.params.gen.steps, s.params.notices.length])).toEqual([999, 'my own prompt', 2, 0]);
  await restore.click();
  await expect(page.getByTestId('init-settings')).toContainText('Settings restored');
  expect(await app.state((s) => [s.params.gen.seed, s.params.gen.prompt, s.params.gen.steps, s.params.sa.in.strength, s.initImage !== null])).toEqual([42, 'a green sloth', 1, 7.5, true]);
});

test('the sweep will not run values that do not parse, and fits out-of-range ones with a notice', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=64&h=64&st=1&s=3');
  expect((await app.gpuSettled()).kind).toBe('ready');
  await page.getByTestId('tab-sweep').click();
  await app.setSweepAxis('x', { path: 'sa.in.strength', values: [2, 6] });
  const xValues = page.locator('#sweep-x-values');
  const run = page.getByTestId('run-sweep');
  await xValues.fill('0, abc');
  await expect(page.getByTestId('sweep-x-note')).toContainText('Only numbers, please');
  await expect(run).toBeDisabled();
  await xValues.fill('0, 999');
  await expect(run).toBeEnabled();
  await expect(page.getByTestId('sweep-x-note')).toContainText('999 → 50 (above the maximum 50)');
  expect(await app.state((s) => s.sweep.x.values)).toEqual([0, 50]);
  await xValues.blur();
  await expect(xValues).toHaveValue('0, 50');
});

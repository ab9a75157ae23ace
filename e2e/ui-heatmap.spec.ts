// SA panel → stride heatmap, without a model: the cells follow the sliders. Expected windows are
// worked out from SPEC_SA.md §3 by hand on SD's 16-site layout (a custom model before loading):
// with strength 6 (in), time_ratio ≤ 1 and depth 2 at level 1, s = 6 · r · 2^(−depth_decay):
// decay 2 → s ≤ 1.5 (2×1 near the peak), decay 4 → s ≤ 0.375 (plain).
import { test, expect } from './fixture.ts';

test('moving Depth decay changes the heatmap cells of the deeper down blocks only', async ({ app, page }) => {
  await app.open();
  await app.setGen({ model: 'custom' });
  await expect(page.getByTestId('heatmap-sites')).toHaveAttribute('data-from', 'assumed');
  const heatmap = page.getByTestId('heatmap');
  await expect(heatmap).toBeVisible();
  const rowCells = (side: string, level: number) =>
    heatmap.locator(`tr[data-side="${side}"][data-level="${level}"]`).first().locator('td').allTextContents();

  const level1Before = await rowCells('in', 1);
  const level0Before = await rowCells('in', 0);
  expect(level1Before).toContain('2×1');
  expect(level0Before.some((l) => l !== '—')).toBe(true);

  const depth = page.getByTestId('sa-first-depth_decay').getByRole('spinbutton');
  await depth.fill('4');
  await depth.press('Enter');

  await expect.poll(() => rowCells('in', 1)).toEqual(level1Before.map(() => '—'));
  expect(await rowCells('in', 0)).toEqual(level0Before); // depth 1: (1/1)^decay = 1, unchanged
  const state = await app.state((s) => s.params.sa);
  expect([state.in.depth_decay, state.out.depth_decay]).toEqual([4, 4]);
  // the panel shows what the test API computes
  const api = (await app.heatmap()).rows.find((r) => r.side === 'in' && r.level === 1)!.labels;
  expect(api).toEqual(level1Before.map(() => '—'));
});

test('turning SA off empties the heatmap; Reset brings the defaults back', async ({ app, page }) => {
  await app.open();
  const active = page.getByTestId('heatmap-active');
  const before = Number(await active.textContent());
  expect(before).toBeGreaterThan(0);
  await page.getByTestId('sa-first-enabled').uncheck();
  await expect(active).toHaveText('0');
  await page.getByTestId('sa-first-reset').click();
  await expect(active).toHaveText(String(before));
});

test('before loading, the heatmap shows the embedded toy model’s 4 sites, grids written rows × columns alike', async ({ app, page }) => {
  await app.open();
  await expect(page.getByTestId('heatmap-sites')).toHaveAttribute('data-from', 'catalog');
  await expect(page.getByTestId('heatmap').locator('tbody tr[data-side]')).toHaveCount(4);
  expect((await app.heatmap()).rows.map((r) => `${r.side} ${r.level}`)).toEqual(['in 0', 'mid 1', 'out 0', 'out 0']);
  await app.setGen({ width: 256, height: 128 }); // latent 16 rows × 32 columns
  await expect(page.getByTestId('heatmap-latent')).toHaveText('16×32');
  await expect(page.getByTestId('heatmap-row-0').locator('th')).toContainText('(16×32)');
});

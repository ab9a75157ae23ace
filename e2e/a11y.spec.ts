// Accessibility in Chromium (WebGPU on SwiftShader, the embedded toy model): an axe-core scan of
// every main view — the generate view once the GPU check settled (light, dark, phone), a help tip
// open, the second pass with its own SA, the Compare and X/Y sweep tabs before and after a run, the
// image and the GPU panel after a generation — fails on any violation of impact "serious" or
// "critical" and prints them. Then what axe cannot judge: help buttons named after their control,
// prompt-helper chips with aria-pressed, the viewer's tabs (aria-controls, arrow keys, Home/End)
// and the run bar's live region saying progress and "Done".
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, type SlothfulPage } from './fixture.ts';

test.setTimeout(1_200_000);

// one step at 128²: the scans need each view's content, not a good picture
const QUICK = '?v=1&st=1&w=128&h=128&s=5';

/** Scans the page as it is now; soft, so one run lists the violations of every view. */
async function scan(page: Page, view: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lines = serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s*\n\s*/g, ' ')}`).join('\n')}`);
  if (lines.length) console.log(`axe, ${view}:\n${lines.join('\n')}`);
  expect.soft(lines, `serious or critical axe violations in ${view}`).toEqual([]);
}

async function openReady(app: SlothfulPage): Promise<void> {
  await app.open(QUICK);
  expect((await app.gpuSettled()).kind).toBe('ready');
  await expect(app.page.getByTestId('prompt-helper')).toBeVisible();
}

test('axe: the views before any run (light, dark, phone; help tip, second pass, Compare, X/Y sweep)', async ({ app, page }) => {
  await openReady(app);
  await scan(page, 'generate view');
  await page.getByRole('button', { name: 'Help: Steps' }).click();
  await expect(page.locator('.tip-text')).toBeVisible();
  await scan(page, 'generate view with a help tip open');
  await page.getByTestId('hires-enabled').check();
  await page.locator('.hires-sa summary').click();
  await expect(page.getByTestId('sa-controls-hires')).toBeVisible();
  await scan(page, 'second pass with its SA open');
  await page.getByTestId('tab-compare').click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await scan(page, 'Compare tab');
  await page.getByTestId('tab-sweep').click();
  await expect(page.getByTestId('sweep-view')).toBeVisible();
  await scan(page, 'X/Y sweep tab');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByTestId('tab-image').click();
  await scan(page, 'generate view, dark scheme');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  await scan(page, 'generate view on a phone (390×844)');
});

test('axe: the views with results (image + GPU panel, Compare, X/Y sweep); the live region says "Done"', async ({ app, page }) => {
  await openReady(app);
  const status = page.getByRole('status').and(page.getByTestId('run-status'));
  await expect(status).toHaveAttribute('aria-live', 'polite');
  expect(await app.generate()).toBe('done');
  await expect(status).toHaveText('Done: the image is ready.');
  await expect(page.getByTestId('main-image')).toBeVisible();
  await expect(page.getByTestId('model-kernels')).toBeVisible();
  await scan(page, 'image and GPU panel after a generation');

  expect(await app.compare()).toBe('done');
  await expect(status).toHaveText('Done: the comparison is ready.');
  await expect(page.getByTestId('psnr')).toBeVisible();
  await scan(page, 'Compare tab with results');

  await app.setSweepAxis('x', { path: 'seed', values: [1, 2] });
  await app.setSweepAxis('y', { path: 'sa.in.strength', values: [0, 9] });
  expect(await app.sweep()).toBe('done');
  await expect(status).toHaveText('Done: the sweep is ready.');
  await expect(page.getByTestId('sweep-grid')).toBeVisible();
  await scan(page, 'X/Y sweep tab with a grid');
});

test('help buttons are named after their control; chips say which is chosen; tabs follow the arrow keys', async ({ app, page }) => {
  await openReady(app);

  // every "?" is "Help: <its control>", and no two share a name (the SA panel, generation panel, model picker)
  const names = await page.locator('button.tip').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? ''));
  expect(names.length).toBeGreaterThan(20);
  expect(names.filter((n) => !/^Help: \S/.test(n))).toEqual([]);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  for (const name of ['Help: Model', 'Help: Prompt', 'Help: Seed', 'Help: Steps', 'Help: Time decay', 'Help: Strength (down blocks)']) await expect(page.getByRole('button', { name, exact: true })).toHaveCount(1);

  // prompt-helper chips: exactly one pressed per group, and it follows the click
  const colours = page.getByRole('group', { name: 'colour' });
  await expect(colours.getByRole('button', { pressed: true })).toHaveCount(1);
  const first = (await colours.getByRole('button', { pressed: true }).textContent())?.trim();
  const other = first === 'purple' ? 'red' : 'purple';
  await page.getByTestId(`word-colour-${other}`).click();
  await expect(page.getByTestId(`word-colour-${other}`)).toHaveAttribute('aria-pressed', 'true');
  await expect(colours.getByRole('button', { pressed: true })).toHaveCount(1);

  // tabs: each controls its own panel, only the selected one is in the tab order
  const tabs = ['image', 'compare', 'sweep'] as const;
  for (const id of tabs) {
    const tab = page.getByTestId(`tab-${id}`);
    await tab.click();
    const panel = page.locator(`[id="${await tab.getAttribute('aria-controls')}"]`);
    await expect(panel).toHaveAttribute('role', 'tabpanel');
    await expect(panel).toBeVisible();
    await expect(panel).toHaveAttribute('aria-labelledby', (await tab.getAttribute('id'))!);
    for (const other of tabs) await expect(page.getByTestId(`tab-${other}`)).toHaveAttribute('tabindex', other === id ? '0' : '-1');
  }
  // arrow keys move and select (wrapping), Home/End jump
  const expectSelected = async (id: (typeof tabs)[number]) => {
    await expect(page.getByTestId(`tab-${id}`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId(`tab-${id}`)).toBeFocused();
  };
  await page.getByTestId('tab-image').click();
  await page.keyboard.press('ArrowRight');
  await expectSelected('compare');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.keyboard.press('End');
  await expectSelected('sweep');
  await expect(page.getByTestId('sweep-view')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expectSelected('image');
  await page.keyboard.press('ArrowLeft');
  await expectSelected('sweep');
  await page.keyboard.press('Home');
  await expectSelected('image');
  await expect(page.getByTestId('compare-view')).toHaveCount(0);
});

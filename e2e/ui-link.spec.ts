// Links as untrusted input, without a model: a malformed link opens with its values clamped and
// a visible, dismissible list of notices, and markup in it stays text. Share → open restores.
import { test, expect, SlothfulPage } from './fixture.ts';

test('a malformed link is clamped, says so, and never runs its markup', async ({ app, page }) => {
  const prompt = '<script>window.__pwned = 1</script><b>bold?</b>';
  const badKey = '<img src=x onerror="window.__pwned=2">';
  const q = new URLSearchParams({ v: '1', p: prompt, st: '999', 'sa.in.strength': '80', w: '1001' });
  q.append(badKey, '1');
  await app.open(`?${q}`);

  const notices = page.getByTestId('notices');
  await expect(notices).toBeVisible();
  await expect(notices).toContainText('steps: 999 is above the maximum 150; using 150');
  await expect(notices).toContainText('sa.in.strength: 80 is above the maximum 50; using 50');
  await expect(notices).toContainText('width: 1001 is not a multiple of 8; using 1000');
  await expect(notices).toContainText('<img src=x onerror'); // shown as text
  await expect(notices.locator('img, script, b')).toHaveCount(0);

  const params = await app.state((s) => s.params);
  expect(params.gen.steps).toBe(150);
  expect(params.gen.width).toBe(1000);
  expect(params.sa.in.strength).toBe(50);
  await expect(page.getByTestId('gen-prompt')).toHaveValue(prompt);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('#root b')).toHaveCount(0);

  await page.getByTestId('dismiss-notices').click();
  await expect(notices).toHaveCount(0);
});

test('Share copies a link that restores every parameter in a new page', async ({ app, page, context }) => {
  await app.open();
  await page.getByTestId('gen-prompt').fill('a sloth, "quoted", & more\nsecond line');
  const seed = page.getByTestId('gen-seed');
  await seed.fill('4242');
  await seed.press('Enter');
  const steps = page.getByTestId('steps').getByRole('spinbutton');
  await steps.fill('13');
  await steps.press('Enter');
  await page.getByTestId('scheduler').selectOption('ddim');
  await page.getByTestId('sa-first-preset').selectOption('high-contrast');
  const strength = page.getByTestId('sa-first-out.strength').getByRole('spinbutton');
  await strength.fill('7.5');
  await strength.press('Enter');

  const before = await app.state((s) => ({ gen: s.params.gen, sa: s.params.sa }));
  expect(before.gen.seed).toBe(4242);
  expect(before.sa.out.strength).toBe(7.5);
  expect(before.sa.in.mode).toBe('2D_MAX');

  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toContain('?');

  const other = await context.newPage();
  await other.goto(link);
  const otherApp = new SlothfulPage(other);
  await otherApp.ready();
  const after = await otherApp.state((s) => ({ gen: s.params.gen, sa: s.params.sa, notices: s.params.notices }));
  expect(after.notices).toEqual([]);
  expect({ gen: after.gen, sa: after.sa }).toEqual(before);
  await expect(other.getByTestId('gen-prompt')).toHaveValue('a sloth, "quoted", & more\nsecond line');
  await expect(other.getByTestId('notices')).toHaveCount(0);
});

// Share links and model URLs as a person meets them (issue #21, bugs 2, 3, 4, 6, 8): a link keeps
// the custom model's URL and opens to the same model; a bad custom URL is refused before any
// fetch with what is accepted; the preview server's HTML fallback is "not found"; a host outside
// the CSP names the allowed hosts; "Load now" is disabled, with its reason, for a model that
// cannot run here; a link with a broken %-escape opens with a notice and the text as written.
import { test, expect, type SlothfulPage } from './fixture.ts';

const loadNow = (app: SlothfulPage) => app.page.getByTestId('model-status').getByRole('button', { name: 'Load now' });
const settled = (app: SlothfulPage) => app.waitForState((s) => s.run.job === null && s.run.outcome !== null);

test('a share link carries the custom model URL and opens to the same custom model', async ({ app, page }) => {
  await app.open('?v=1&m=tiny');
  const base = `${new URL(page.url()).origin}/models/tiny`;
  await page.getByTestId('model-select').selectOption('custom');
  await page.locator('#custom-base').fill(base);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(new URL(link).searchParams.get('mu')).toBe(base);

  await app.open(new URL(link).search);
  await expect(page.locator('#custom-base')).toHaveValue(base);
  expect(await app.state((s) => ({ model: s.params.gen.model, base: s.customBase, notices: s.params.notices }))).toEqual({ model: 'custom', base, notices: [] });
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.loadModel()).toBe('done');
  expect(await app.state((s) => s.loadedModel?.key)).toBe(`custom:${base}`);
});

test('bad custom URLs: refused before any fetch, saying what is accepted; HTML fallback is "not found"; a host outside the CSP names the allowed ones', async ({ app, page }) => {
  await app.open('?v=1&m=custom');
  expect((await app.gpuSettled()).kind).toBe('ready');
  const origin = new URL(page.url()).origin;
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  for (const [bad, says] of [['not a url', /"not a url" is not a web address/], ['ftp://example.com/sd', /A ftp: address is not accepted/], ['javascript:alert(1)', /A javascript: address is not accepted/]] as const) {
    await page.locator('#custom-base').fill(bad);
    await expect(loadNow(app), bad).toBeDisabled();
    await expect(page.getByTestId('load-blocked'), bad).toHaveText(says);
    await expect(page.getByTestId('load-blocked'), bad).toContainText(`an https:// address, or one on this page's own origin (${origin}/…)`);
  }
  expect(requested.filter((u) => /not%20a%20url|example\.com|ftp:|javascript:/.test(u))).toEqual([]);

  // the preview server answers an unknown path with its index.html
  await page.locator('#custom-base').fill(`${origin}/no-such-model`);
  await loadNow(app).click();
  await settled(app);
  await expect(page.getByTestId('model-load-error')).toContainText('Load failed (not-found)');
  // every file is answered with the app's index.html: each counts as missing, so nothing of a model is there
  await expect(page.getByTestId('model-load-error')).toContainText(`No model was found at ${origin}/no-such-model`);
  await expect(page.getByTestId('model-load-error')).not.toContainText('JSON');
  await page.getByTestId('run-error').getByRole('button', { name: 'Dismiss' }).click();

  // https://example.com passes the URL check; the app's CSP refuses the connection
  await page.locator('#custom-base').fill('https://example.com/sd');
  await loadNow(app).click();
  await settled(app);
  const error = page.getByTestId('model-load-error');
  await expect(error).toContainText('Load failed (blocked)');
  await expect(error).toContainText('does not allow downloads from https://example.com');
  await expect(error).toContainText(`Allowed: this page's origin (${origin}), https://huggingface.co, https://*.huggingface.co, https://*.hf.co`);
  await expect(error).toContainText('MODEL_HOSTS in src/params/model-url.ts');
  await expect(error).not.toContainText('check your connection');
});

test('"Load now" is disabled, with the reason shown, for a model marked "cannot run here"', async ({ app, page }) => {
  await app.open('?v=1&m=tiny');
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.state((s) => s.gpu.kind === 'ready' && s.gpu.adapter.shaderF16)).toBe(false); // SwiftShader
  await expect(page.getByTestId('model-select').locator('option[value="sd-turbo"]')).toContainText('(cannot run here)');
  await page.getByTestId('model-select').selectOption('sd-turbo');
  const button = loadNow(app);
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('aria-describedby', 'load-blocked');
  await expect(page.getByTestId('load-blocked')).toContainText('shader-f16');
  expect(await button.getAttribute('title')).toMatch(/shader-f16/);
  // the embedded model can load: the button is back
  await page.getByTestId('model-select').selectOption('tiny');
  await expect(page.getByTestId('load-blocked')).toHaveCount(0);
});

test('a link with a broken %-escape opens with a notice and the text as written', async ({ app, page }) => {
  await app.open('?v=1&p=%E0%A4%A');
  expect(await app.state((s) => s.params.gen.prompt)).toBe('%E0%A4%A');
  await expect(page.getByTestId('notice')).toHaveText([`p: the link's text has a broken %-escape ("%E0%A4%A"); what does not decode is kept as written — check it`]);
});

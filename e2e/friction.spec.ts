// The app as a person meets it, the friction part of issue #21, where only the page shows it: the
// model's full name under its picker and the one-line GPU status in the header, on a laptop
// (1280×800) and a phone (390×844); the prompt helper's chips following a link's prompt and never
// overwriting a prompt of your own; a model switch naming the defaults it changed; and, around one
// generation, "Saved as PNG" going away and a dropped PNG's restore confirmed by name.
import { test, expect, type SlothfulPage } from './fixture.ts';

test.setTimeout(600_000);

/** The element is inside the viewport's width and shows all of its text (nothing clipped). */
async function fullyShown(app: SlothfulPage, testId: string) {
  return app.page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { inside: r.left >= 0 && r.right <= window.innerWidth + 0.5, clipped: el.scrollWidth > el.clientWidth + 1 };
  });
}

for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`at ${viewport.width}×${viewport.height}: the model's full name is readable and the GPU status is in the header`, async ({ app, page }) => {
    await page.setViewportSize(viewport);
    await app.open('?v=1&m=toy');
    expect((await app.gpuSettled()).kind).toBe('ready');
    const label = await app.state((s) => s.catalog.entries.find((e) => e.id === 'toy')!.label);
    await expect(page.getByTestId('model-name')).toContainText(label);
    expect(await fullyShown(app, 'model-name')).toEqual({ inside: true, clipped: false });
    expect(await page.getByTestId('model-select').getAttribute('title')).toContain(label);

    const line = page.getByTestId('gpu-line');
    await expect(line).toHaveText(/^WebGPU: .+ · f16 [✓✗] · self-check passed$/);
    if (viewport.width === 1280) await expect(line).toBeInViewport();
    await expect(page.getByTestId('gpu-panel')).not.toBeInViewport(); // below the fold: why the line exists
    await line.click();
    await expect(page.getByTestId('gpu-panel')).toBeFocused();
    await expect(page.getByTestId('gpu-panel')).toBeInViewport();
  });
}

test('the prompt helper follows a link’s prompt, says “an orange”, and replaces my own prompt only when asked', async ({ app, page }) => {
  await app.open('?v=1&m=toy&p=a+red+triangle+on+a+black+background');
  const pressed = (key: string) => page.getByRole('group', { name: key }).getByRole('button', { pressed: true });
  await expect(pressed('colour')).toHaveText('red');
  await expect(pressed('shape')).toHaveText('triangle');
  await expect(pressed('background')).toHaveText('black');
  await page.getByTestId('word-colour-orange').click();
  await expect(page.getByTestId('gen-prompt')).toHaveValue('an orange triangle on a black background');

  await app.setGen({ prompt: 'my own sloth' });
  await page.getByTestId('word-shape-square').click();
  await expect(page.getByTestId('gen-prompt')).toHaveValue('my own sloth');
  await expect(page.getByTestId('prompt-helper-preview')).toHaveText('an orange square on a black background');
  await page.getByTestId('prompt-helper-use').click();
  await expect(page.getByTestId('gen-prompt')).toHaveValue('an orange square on a black background');
  await page.getByTestId('prompt-helper-undo').click();
  await expect(page.getByTestId('gen-prompt')).toHaveValue('my own sloth');
});

test('switching model says which settings took its defaults', async ({ app, page }) => {
  await app.open('?v=1&m=toy&st=20');
  const tiny = await app.state((s) => s.catalog.entries.find((e) => e.id === 'tiny')!);
  await page.getByTestId('model-select').selectOption('tiny');
  await expect(page.getByTestId('notice')).toHaveText([new RegExp(`^Steps 20→${tiny.defaults.steps}, .*: the defaults of ${tiny.label.replace(/[()]/g, '\\$&')}\\.$`)]);
});

test('"Saved as PNG" goes away; a dropped PNG says its settings were restored from that file', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=64&h=64&st=1&s=42&p=a+green+sloth');
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.generate()).toBe('done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-png').click()]);
  await expect(page.getByTestId('image-flash')).toHaveText('Saved as PNG with all parameters.');
  await expect(page.getByTestId('image-flash')).toHaveCount(0, { timeout: 10_000 });

  const b64 = Buffer.concat(await (await download.createReadStream()).toArray()).toString('base64');
  await app.setGen({ seed: 999 });
  await page.evaluate((data) => {
    const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'my-sloth.png', { type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(file);
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await expect(page.getByTestId('notice')).toHaveText(['Settings restored from my-sloth.png.']);
  expect(await app.state((s) => s.params.gen.seed)).toBe(42);
});

import { test, expect } from './fixture.ts';

test('without WebGPU the page says so plainly and how to fix it', async ({ app, page }) => {
  await app.open();
  const gpu = await app.gpuSettled();
  expect(gpu.kind).toBe('unavailable');
  const notice = page.getByTestId('webgpu-unavailable');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('WebGPU is not available');
  await expect(notice).toContainText('--enable-unsafe-webgpu');
});

test('without WebGPU "Load now" is disabled and says why', async ({ app, page }) => {
  await app.open();
  expect((await app.gpuSettled()).kind).toBe('unavailable');
  const button = page.getByTestId('model-status').getByRole('button', { name: 'Load now' });
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('aria-describedby', 'load-blocked');
  await expect(page.getByTestId('load-blocked')).toContainText('Cannot load:');
  expect(await app.loadModel()).toBe('error');
});

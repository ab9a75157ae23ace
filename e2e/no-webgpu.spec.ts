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

import { test, expect } from './fixture.ts';

test('GPU panel reports the adapter and a passing ORT↔WGSL self-check', async ({ app, page }) => {
  await app.open();
  const gpu = await app.gpuSettled();
  expect(gpu.kind, JSON.stringify(gpu)).toBe('ready');
  if (gpu.kind !== 'ready') return;
  // SwiftShader here; any adapter elsewhere must still report real limits.
  expect(gpu.adapter.limits.maxBufferSize).toBeGreaterThan(2 ** 20);
  expect(gpu.selfCheck.kernelToOrtError).toBeLessThanOrEqual(1e-4);
  expect(gpu.selfCheck.ortToKernelError).toBeLessThanOrEqual(1e-4);
  expect(gpu.selfCheck.sample.every(Number.isFinite)).toBe(true);
  // What a person sees matches the numbers.
  await expect(page.getByTestId('selfcheck')).toContainText('Self-check passed');
  await expect(page.getByTestId('k2o')).toHaveText(gpu.selfCheck.kernelToOrtError.toExponential(2));
  await expect(page.getByTestId('adapter-table')).toContainText('shader-f16');
});

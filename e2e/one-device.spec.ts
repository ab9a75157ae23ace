// One GPUDevice per page (issue #19): the engine worker's device is the only one. The page's
// main thread requests none (its GPU probe and self-check run in the worker, on the engine's
// device); the worker requests one for the engine and keeps it across generations.
import { test, expect } from './fixture.ts';

test.setTimeout(600_000);

test('one GPUDevice per page: none on the main thread, one in the engine worker after a generation', async ({ app }) => {
  await app.watchDevices();
  await app.open('?v=1&m=tiny&w=64&h=64&st=1&g=0&s=5');
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.generate()).toBe('done');
  expect(await app.devices()).toEqual({ page: 0, engine: 1 });
});

// Device loss in the real app: the engine worker's GPUDevice is destroyed (as a driver reset
// would) while a generation runs on the embedded tiny model. The generation fails with a notice
// that says what happened; the engine re-creates the device and the ORT sessions from Cache
// Storage (no model file is downloaded again) and the next generation works without a reload.
// 64×64, 1 step, no CFG: the generation after the loss compiles every shader again.
import { test, expect } from './fixture.ts';

test.setTimeout(900_000);

test('device lost mid-generation: a clear notice, then the next generation works without a reload or a download', async ({ app, page }) => {
  const modelRequests: string[] = [];
  page.on('request', (r) => void (r.url().includes('/models/tiny/') && modelRequests.push(r.url())));
  await app.open('?v=1&m=tiny&w=64&h=64&st=1&g=0&s=5');
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.loadModel()).toBe('done');
  expect(modelRequests.length).toBeGreaterThan(0); // the worker's downloads are seen here
  const downloadsBefore = modelRequests.length;
  expect((await app.gpuMemory()).deviceCount).toBe(1);

  const outcome = app.generate();
  await app.waitForState((s) => s.run.progress?.stage === 'text'); // the U-Net is running
  await app.loseDevice();
  expect(await outcome).toBe('error');
  const error = await app.state((s) => s.run.error);
  expect(error?.name).toBe('DeviceLostError');
  const notice = page.getByTestId('run-error');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('The GPU device was lost');
  await expect(notice).toContainText('press Generate again');

  expect(await app.generate()).toBe('done');
  const r = (await app.lastResult())!;
  expect([r.width, r.height, r.seed]).toEqual([64, 64, 5]);
  expect(r.meanRgba.every(Number.isFinite)).toBe(true);
  expect(r.meanRgba[3]).toBe(255);
  console.log(`timings after recovery (${r.timings.method}): ${JSON.stringify(r.timings)}`);
  const mem = await app.gpuMemory();
  expect(mem.deviceCount).toBe(2);
  expect(mem.liveBuffers).toBeGreaterThan(0);
  expect(modelRequests.length).toBe(downloadsBefore);
  await expect(notice).toBeHidden(); // the next job cleared the notice
});

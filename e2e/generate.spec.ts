// The whole pipeline in Chromium (WebGPU on SwiftShader) on the embedded tiny model, through the
// worker engine: text encoder, U-Net segments + our SA kernels, scheduler, VAE. A tiny U-Net call
// costs 10–40 s here (per-dispatch overhead of a software GPU), so runs are 128², 2 steps.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect } from './fixture.ts';
import { loadSdPipeline } from '../src/pipeline/load-pipeline.ts';
import { createCpuSdModel } from '../src/pipeline/testing/cpu-backend.ts';
import { generateImage } from '../src/pipeline/sd-pipeline.ts';
import { generateRequestFrom } from '../src/params/gen-params.ts';
import { fileFetch } from '../src/cli/file-fetch.ts';

test.setTimeout(1_200_000);

test('generate: an image on the embedded model equals the CPU reference (SA off, unsplit U-Net on onnxruntime-node)', async ({ app, page }) => {
  const consoleErrors: string[] = []; // the worker's too (ORT's warnings arrive as errors unless silenced)
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  await app.open('?v=1&m=tiny&w=128&h=128&st=2&s=7&sa.enabled=0');
  expect((await app.gpuSettled()).kind).toBe('ready');
  const first = await app.generate();
  expect(first, JSON.stringify(await app.state((s) => s.run))).toBe('done');
  const a = (await app.lastResult())!;
  expect([a.width, a.height, a.seed]).toEqual([128, 128, 7]);
  expect(a.timesteps.length).toBe(2);
  expect(a.meanRgba.every(Number.isFinite)).toBe(true);
  expect(a.timings.total).toBeGreaterThan(0);
  await expect(page.getByTestId('main-image')).toBeVisible();
  // the GPU panel says how the loaded model's SA sites store tensors and that their self-check passed
  await expect(page.getByTestId('kernel-variants')).toHaveText('16 sites f32');
  await expect(page.getByTestId('model-kernels')).toContainText('kernel checks against the CPU reference passed');
  expect(consoleErrors, 'console errors while loading and generating').toEqual([]);
  // (Same seed ⇒ same pixels on the GPU path is checked in src/pipeline/sd-pipeline.gpu.test.ts.)

  // The same request through the CPU reference pipeline (the model files the page loaded).
  const latents = (await app.lastLatents())!;
  const { gen, sa } = await app.state((s) => s.params);
  const base = pathToFileURL(resolve('public/models/tiny')).href;
  const files = await loadSdPipeline(base, { fetchImpl: fileFetch() });
  const cpu = await createCpuSdModel(files, { unsplit: true });
  const ref = await generateImage(cpu, generateRequestFrom(gen, sa));
  await cpu.release();
  const scale = Math.max(...Array.from(ref.latents!, Math.abs));
  let max = 0;
  for (let i = 0; i < latents.length; i++) max = Math.max(max, Math.abs(latents[i] - ref.latents![i]));
  expect(latents.length).toBe(ref.latents!.length);
  expect(max).toBeLessThanOrEqual(1e-4 * scale);
});

test('compare: SA off and SA on with one seed, side by side with PSNR and SSIM', async ({ app, page }) => {
  await app.open('?v=1&m=tiny&w=128&h=128&st=2&s=11&sa.time_decay=0&sa.in.strength=9&sa.out.strength=9');
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.compare()).toBe('done');
  const shots = (await app.history()).slice(-2);
  expect(shots).toHaveLength(2);
  const [off, on] = shots;
  expect(off.seed).toBe(on.seed);
  expect(off.meanRgba).not.toEqual(on.meanRgba);
  const psnr = page.getByTestId('psnr');
  await expect(psnr).toBeVisible();
  const db = parseFloat((await psnr.textContent()) ?? '');
  expect(db).toBeGreaterThan(5);
  expect(db).toBeLessThan(100);
  const ssim = parseFloat((await page.getByTestId('ssim').textContent()) ?? '');
  expect(ssim).toBeGreaterThan(-1);
  expect(ssim).toBeLessThan(1);
});

// Real public models' forms in Chromium (WebGPU on SwiftShader: no shader-f16): replicas
// (src/models/replicas.ts) served under the real repositories' URLs by route interception, and one
// read from a local folder. fp16 exports are refused before their big files are fetched; the same
// forms in fp32 load and generate, and equal the CPU reference. Last, a model kept in OPFS loads
// offline and is listed and deleted under "Stored models".
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, type SlothfulPage } from './fixture.ts';
import { buildReplica } from '../src/models/replicas.ts';
import { MODEL_REGISTRY } from '../src/pipeline/registry.ts';
import { loadSdPipeline, type LoadOptions } from '../src/pipeline/load-pipeline.ts';
import { createCpuSdModel } from '../src/pipeline/testing/cpu-backend.ts';
import { memoryFetch } from '../src/pipeline/testing/memory-fetch.ts';
import { generateImage } from '../src/pipeline/sd-pipeline.ts';
import { generateRequestFrom } from '../src/params/gen-params.ts';

test.setTimeout(900_000);

const baseOf = (id: string) => MODEL_REGISTRY.find((e) => e.id === id)!.base;

/** Serves `files` under `base` (the real repository's URL); returns the paths asked for, in order. */
async function serveRepo(page: Page, base: string, files: Map<string, Uint8Array>): Promise<string[]> {
  const asked: string[] = [];
  await page.route(`${base}/**`, async (route) => {
    const path = route.request().url().slice(base.length + 1);
    asked.push(path);
    const body = files.get(path);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body: Buffer.from(body), headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.byteLength), 'Access-Control-Allow-Origin': '*' } });
  });
  return asked;
}

const settle = (app: SlothfulPage) => app.waitForState((s) => s.run.job === null && s.run.outcome !== null);

/** The page's latents against the CPU reference pipeline on the same files and request. */
async function expectCpuReference(app: SlothfulPage, files: Map<string, Uint8Array>, layout?: LoadOptions['layout']) {
  const latents = (await app.lastLatents())!;
  const { gen, sa } = await app.state((s) => s.params);
  const cpu = await createCpuSdModel(await loadSdPipeline('mem://ref', { fetchImpl: memoryFetch(files, 'mem://ref'), layout }), { unsplit: !sa.enabled });
  const ref = await generateImage(cpu, generateRequestFrom(gen, sa));
  await cpu.release();
  expect(latents.length).toBe(ref.latents!.length);
  const scale = Math.max(...Array.from(ref.latents!, Math.abs));
  let max = 0;
  for (let i = 0; i < latents.length; i++) max = Math.max(max, Math.abs(latents[i] - ref.latents![i]));
  expect(max).toBeLessThanOrEqual((sa.enabled ? 1e-3 : 1e-4) * scale);
}

test("sd-turbo's exact form at its real URL: refused on the U-Net's graph (fp16 needs shader-f16), before the text encoder and VAE are fetched", async ({ app, page }) => {
  const base = baseOf('sd-turbo');
  const asked = await serveRepo(page, base, buildReplica('sd-turbo').files);
  await app.open('?v=1&m=custom');
  expect((await app.gpuSettled()).kind).toBe('ready');
  // the registry entry itself is refused up front on this adapter (no request at all)
  await page.getByTestId('model-select').selectOption('sd-turbo');
  await expect(page.getByTestId('tested-form')).toContainText('replica ✓');
  expect(await app.generate()).toBe('error');
  expect((await app.state((s) => s.run.error))?.message).toMatch(/fp16 weights and needs WebGPU's shader-f16/);
  expect(asked).toEqual([]);
  // the same files at the same URL as a custom model: the preflight refuses the U-Net's graph
  await page.getByTestId('model-select').selectOption('custom');
  await page.locator('#custom-base').fill(base);
  await page.getByTestId('model-status').getByRole('button', { name: 'Load now' }).click();
  await settle(app);
  const s = await app.state((st) => st.model);
  expect(s).toMatchObject({ kind: 'error', error: { kind: 'unsupported' } });
  expect(s.kind === 'error' && s.error.message).toMatch(/unet\/model\.onnx computes in float16 and needs WebGPU's shader-f16/);
  expect(asked.filter((p) => p.endsWith('.onnx'))).toEqual(['unet/model.onnx']);
});

test("sd21-base's form (com.microsoft Attention, MultiHeadAttention, BiasSplitGelu) in fp32 at its real URL: loads and generates with SA, equal to the CPU reference", async ({ app, page }) => {
  const base = baseOf('sd21-base');
  const files = buildReplica('sd21-base', 1, { fp32: true }).files;
  await serveRepo(page, base, files);
  await app.open('?v=1&m=custom&w=128&h=128&st=1&s=5&g=7.5&sa.time_decay=0&sa.in.strength=9&sa.out.strength=9');
  expect((await app.gpuSettled()).kind).toBe('ready');
  await page.locator('#custom-base').fill(base);
  expect(await app.generate()).toBe('done');
  const info = await app.state((s) => (s.model.kind === 'ready' ? s.model.info : null));
  expect(info?.attentionStyle).toBe('ort-attention');
  expect(info?.sites).toHaveLength(16);
  await expectCpuReference(app, files);
  // the download is kept in the browser: listed under "Stored models", and deleted from there
  await page.getByTestId('stored-models').locator('summary').click();
  const row = page.getByTestId('stored-model').filter({ hasText: 'Stable Diffusion 2.1 base' });
  await expect(row).toContainText(/\d+ files, [\d.]+ MiB/);
  await row.getByRole('button', { name: /Delete the stored files of Stable Diffusion 2\.1 base/ }).click();
  await expect(row).toHaveCount(0);
});

test('a local folder: the flat sd15-webnn form (fixed b2 shapes, its tokenizer beside it) in fp32, picked with the folder input, generates equal to the CPU reference', async ({ app, page }) => {
  const r = buildReplica('sd15-webnn', 1, { fp32: true });
  const dir = join(mkdtempSync(join(tmpdir(), 'slothful-local-')), 'sd15-webnn');
  const all = new Map([...r.files, ...r.tokenizer!.files]);
  for (const [path, data] of all) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  try {
    await app.open('?v=1&m=local&w=128&h=128&st=1&s=9&g=7.5&sa.enabled=0');
    expect((await app.gpuSettled()).kind).toBe('ready');
    await page.getByTestId('local-folder-input').setInputFiles(dir);
    await expect(page.getByTestId('local-folder-name')).toContainText(`sd15-webnn: ${all.size} files`);
    expect(await app.generate()).toBe('done');
    const key = await app.state((s) => s.loadedModel?.key);
    expect(key).toMatch(/^local:sd15-webnn:/);
    const layout = { textEncoder: 'text-encoder.onnx', unet: [...r.files.keys()].find((p) => p.startsWith('sd-unet'))!, vaeDecoder: [...r.files.keys()].find((p) => p.includes('vae-decoder'))!, vaeEncoder: null, tokenizerDir: '' };
    await expectCpuReference(app, all, layout);
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
});

test('a model kept in OPFS (where files over the Cache Storage quota go) loads with the network refusing every file; "Stored models" lists and deletes it', async ({ app, page }) => {
  await app.open('?v=1&m=custom');
  expect((await app.gpuSettled()).kind).toBe('ready');
  const origin = new URL(page.url()).origin;
  const base = `${origin}/offline-tiny`;
  const asked: string[] = [];
  await page.route(`${base}/**`, (route) => (asked.push(route.request().url()), route.fulfill({ status: 404, body: 'offline' })));
  const dir = resolve('public/models/tiny');
  const files = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((p) => statSync(join(dir, p)).isFile());
  const payload = files.map((p) => ({ url: `${base}/${p.split(sep).join('/')}`, b64: readFileSync(join(dir, p)).toString('base64') }));
  // the app's OPFS store: one file per URL, named by its encoded URL, in 'slothful-models'
  await page.evaluate(async (entries) => {
    const root = await navigator.storage.getDirectory();
    const d = await root.getDirectoryHandle('slothful-models', { create: true });
    for (const { url, b64 } of entries) {
      const w = await (await d.getFileHandle(encodeURIComponent(url), { create: true })).createWritable();
      await w.write(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
      await w.close();
    }
  }, payload);
  await page.locator('#custom-base').fill(base);
  await page.getByTestId('model-status').getByRole('button', { name: 'Load now' }).click();
  await settle(app);
  expect((await app.state((s) => s.model)).kind).toBe('ready');
  expect(asked).toEqual([]); // every file came from OPFS
  await page.getByTestId('stored-models').locator('summary').click();
  const row = page.getByTestId('stored-model').filter({ hasText: base });
  await expect(row).toContainText(`${files.length} files`);
  await row.getByRole('button', { name: /Delete the stored files of/ }).click();
  await expect(row).toHaveCount(0);
  const left = await page.evaluate(async () => {
    const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('slothful-models');
    let n = 0;
    for await (const _ of (d as unknown as { keys(): AsyncIterable<string> }).keys()) n++;
    return n;
  });
  expect(left).toBe(0);
});

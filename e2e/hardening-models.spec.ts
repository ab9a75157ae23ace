// Broken model folders through the real page (served by Playwright route interception under
// /broken/<case>/, the rest of each folder being the embedded tiny model): each gives a typed,
// readable error and the tiny model stays loaded and usable. Then the tiny pipeline at
// non-square sizes (1 step, no CFG), where five quick Generate clicks run one generation; sizes
// the exported U-Net cannot take (sides not multiples of 64) are refused before the engine runs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, SlothfulPage } from './fixture.ts';
import { watchPage, type PageWatch } from './hardening-watch.ts';
import { GraphBuilder } from '../src/onnx/builder.ts';
import { buildUnet } from '../src/models/unet.ts';
import { PIPELINE_CONFIGS } from '../src/models/configs.ts';
import { create, DataType, StringStringEntryProtoSchema, TensorProto_DataLocation, TensorProtoSchema } from '../src/onnx/proto.ts';

const TINY = resolve('public/models/tiny');
const tinyFile = (path: string) => readFileSync(`${TINY}/${path}`);

/** y = x + W: valid ONNX, not a U-Net; W in the file or in external 'weights.pb'. */
function addGraph(external: boolean): Uint8Array {
  const g = new GraphBuilder();
  g.input({ name: 'x', dataType: DataType.FLOAT, dims: [4] });
  const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  g.initializer(
    create(TensorProtoSchema, {
      name: 'W', dataType: DataType.FLOAT, dims: [4n],
      ...(external
        ? {
            dataLocation: TensorProto_DataLocation.EXTERNAL,
            externalData: [['location', 'weights.pb'], ['offset', '0'], ['length', '16']].map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
          }
        : { rawData: data }),
    }),
  );
  g.node('Add', ['x', 'W'], ['y']);
  g.output({ name: 'y', dataType: DataType.FLOAT, dims: [4] });
  return g.toBytes();
}

/** Seeded bytes (xorshift32) that do not start like a ModelProto. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  out[0] = 0x93;
  return out;
}

type Override = Uint8Array | 404;
interface BrokenCase {
  name: string;
  files: Record<string, Override>;
  /** the heading and `(kind)` the error shows, and what its message says */
  title: string;
  kind: string;
  says: RegExp;
}

const unet = tinyFile('unet/model.onnx');
const CASES: BrokenCase[] = [
  { name: 'truncated-onnx', files: { 'unet/model.onnx': unet.subarray(0, Math.floor(unet.byteLength * 0.4)) }, title: 'Could not load the model', kind: 'format', says: /unet\/model\.onnx could not be parsed as ONNX/ },
  { name: 'random-bytes', files: { 'unet/model.onnx': randomBytes(4096, 2026) }, title: 'Could not load the model', kind: 'format', says: /unet\/model\.onnx is .*not an ONNX model/ },
  { name: 'html-page', files: { 'unet/model.onnx': new TextEncoder().encode('<!doctype html><html><body>Sign in to continue</body></html>') }, title: 'Could not load the model', kind: 'format', says: /unet\/model\.onnx is an HTML\/XML page/ },
  { name: 'not-a-unet', files: { 'unet/model.onnx': addGraph(false) }, title: 'Not a Stable Diffusion U-Net', kind: 'format', says: /no self-attention \(attn1\) nodes.*Is this a Stable Diffusion U-Net\?/ },
  // a real U-Net whose weights are external: its graph passes the preflight, then weights.pb is a 404
  { name: 'missing-external-data', files: { 'unet/model.onnx': buildUnet(PIPELINE_CONFIGS.tiny.unet, { attention: 'torch2', dtype: 'float32', seed: 1, external: true }).model, 'unet/weights.pb': 404 }, title: 'Could not load the model', kind: 'missing-file', says: /unet\/model\.onnx keeps its weights in 'weights\.pb', which is missing/ },
  { name: 'no-tokenizer', files: Object.fromEntries(['tokenizer.json', 'tokenizer_config.json', 'vocab.json', 'merges.txt'].map((f) => [`tokenizer/${f}`, 404])), title: 'Could not load the model', kind: 'missing-file', says: /No tokenizer under .*need tokenizer\.json, or vocab\.json and merges\.txt/ },
  // text encoder and U-Net (10 MB) arrive, then the VAE decoder is a 404
  { name: '404-mid-download', files: { 'vae_decoder/model.onnx': 404 }, title: 'Could not load the model', kind: 'not-found', says: /vae_decoder\/model\.onnx was not found at .*\(HTTP 404\)/ },
];

async function serveBrokenModels(page: Page): Promise<string[]> {
  const served: string[] = [];
  await page.route(/\/broken\/([\w-]+)\/(.+)$/, async (route) => {
    const [, name, path] = /\/broken\/([\w-]+)\/(.+)$/.exec(new URL(route.request().url()).pathname)!;
    const override = CASES.find((c) => c.name === name)?.files[path];
    let body: Uint8Array | undefined = override === 404 ? undefined : override;
    if (override === undefined) {
      try {
        body = tinyFile(path);
      } catch {
        body = undefined;
      }
    }
    served.push(`${name}/${path} ${body ? body.byteLength : 404}`);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body: Buffer.from(body), headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.byteLength) } });
  });
  return served;
}

const state = (app: SlothfulPage) => app.state((s) => ({ model: s.model, loaded: s.loadedModel?.key ?? null, run: s.run, history: s.history.items.length }));

test.describe.configure({ mode: 'serial' });
test.setTimeout(300_000);

let page: Page;
let app: SlothfulPage;
let watch: PageWatch;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  watch = await watchPage(page);
  app = new SlothfulPage(page);
  await app.open('?v=1&m=tiny');
});

test.afterAll(async () => {
  await page.close();
});

test('broken model folders: a typed, readable error each, and the tiny model stays loaded', async () => {
  const served = await serveBrokenModels(page);
  expect((await app.gpuSettled()).kind).toBe('ready');
  expect(await app.loadModel()).toBe('done');
  expect((await state(app)).loaded).toBe('tiny');

  await page.getByTestId('model-select').selectOption('custom');
  const origin = new URL(page.url()).origin;
  for (const c of CASES) {
    await page.locator('#custom-base').fill(`${origin}/broken/${c.name}`);
    await page.getByTestId('model-status').getByRole('button', { name: 'Load now' }).click();
    await app.waitForState((s) => s.run.outcome !== null && s.run.job === null);
    const error = page.getByTestId('run-error');
    await expect(error, c.name).toContainText(`${c.title} (${c.kind}): `);
    expect(await error.textContent(), c.name).toMatch(c.says);
    await expect(error.locator('.hint'), c.name).not.toBeEmpty();
    await expect(page.getByTestId('model-load-error'), c.name).toContainText(`Load failed (${c.kind})`);
    await expect(page.getByTestId('model-still-loaded'), c.name).toContainText('Still loaded: tiny');
    const s = await state(app);
    expect(s.run.outcome, c.name).toBe('error');
    expect(s.model, c.name).toMatchObject({ kind: 'error', key: `custom:${origin}/broken/${c.name}`, error: { kind: c.kind } });
    expect(s.loaded, c.name).toBe('tiny');
    await error.getByRole('button', { name: 'Dismiss' }).click();
  }
  expect(served.some((f) => f.startsWith('404-mid-download/unet/model.onnx 10'))).toBe(true); // the U-Net did arrive first

  // back to the embedded model: ready at once, no reload
  await page.getByTestId('model-select').selectOption('tiny');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-kind', 'ready');
  expect(watch.pageErrors).toEqual([]);
  expect(await watch.cspViolations()).toEqual([]);
  expect(watch.cspConsole).toEqual([]); // the worker's violations only reach the console
});

const SIZES: [number, number][] = [
  [64, 128],
  [128, 64],
  [64, 192],
  [192, 64],
  [64, 256],
];

test('non-square sizes through the tiny pipeline (1 step, no CFG); 5 quick Generate clicks run one generation', async () => {
  expect((await state(app)).model).toMatchObject({ kind: 'ready', key: 'tiny' });
  // 72×136 would fail inside the U-Net (/up_blocks.1/Concat): refused up front, with a size to use
  await app.setGen({ width: 72, height: 136 });
  await expect(page.getByTestId('run-blocker')).toContainText('multiples of 64');
  await expect(page.getByTestId('run-blocker')).toContainText('try 64×128');
  await expect(page.getByTestId('generate')).toBeDisabled();
  for (const [i, [width, height]] of SIZES.entries()) {
    await app.setGen({ steps: 1, guidance: 0, width, height, seed: width * 1000 + height });
    const before = (await state(app)).history;
    if (i === 0) {
      // five clicks before React re-renders the button as disabled: the store refuses four
      await page.evaluate(() => {
        const b = document.querySelector<HTMLButtonElement>('[data-testid=generate]')!;
        for (let k = 0; k < 5; k++) b.click();
      });
      await expect(page.getByTestId('generate')).toBeDisabled();
      await expect(page.getByTestId('model-select')).toBeDisabled();
      expect(await app.generate()).toBe('busy');
      await app.waitIdle();
    } else {
      expect(await app.generate(), `${width}×${height}`).toBe('done');
    }
    const s = await state(app);
    expect(s.run, `${width}×${height}`).toMatchObject({ outcome: 'done', error: null });
    expect(s.history, `${width}×${height}: one image`).toBe(before + 1);
    const r = (await app.lastResult())!;
    expect([r.width, r.height]).toEqual([width, height]);
    console.log(`${width}×${height}: ${Math.round(r.timings.total)} ms in the engine`);
    expect(r.meanRgba.every(Number.isFinite)).toBe(true);
    const latents = (await app.lastLatents())!;
    expect(latents.length).toBe((4 * width * height) / 64);
    expect(latents.every(Number.isFinite)).toBe(true);
    expect(Math.max(...latents.map(Math.abs))).toBeGreaterThan(0);
  }
  expect(watch.pageErrors).toEqual([]);
  expect(await watch.cspViolations()).toEqual([]);
  expect(watch.cspConsole).toEqual([]); // the worker's violations only reach the console
});

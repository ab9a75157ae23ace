// The scene classifier against ground truth: the scenes the toy model was trained on, rendered by
// scripts/toy-model/scenes.py (fixture made by scripts/toy-model/dump_scenes.py), sharp and blurred
// as the autoencoder blurs them. It must read every one right, else the model's scores mean nothing.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { boxBlur } from './testing/box-blur.ts';
import { accuracy, readScene, rgbStackImage, type Expected, type RgbaLike, type ScenePalettes } from './scene-check.ts';

const dir = new URL('./__fixtures__/', import.meta.url);
const vocab = JSON.parse(readFileSync(new URL('../../../scripts/toy-model/vocab.json', import.meta.url), 'utf8')) as ScenePalettes;
const meta = JSON.parse(readFileSync(new URL('scenes.json', dir), 'utf8')) as { size: number; labels: (Expected & { caption: string; position: string })[] };
const rgb = gunzipSync(readFileSync(new URL('scenes.u8.gz', dir)));

const scene = (k: number): RgbaLike => rgbStackImage(rgb, meta.size, k);

describe('readScene on the training scenes', () => {
  it('has the 108 ground-truth scenes (3 backgrounds × 6 colours × 3 shapes × 2)', () => {
    expect(meta.labels).toHaveLength(108);
    expect(rgb.length).toBe(108 * meta.size * meta.size * 3);
  });

  for (const r of [0, 2, 3]) {
    it(`reads every scene right${r ? ` after a ${2 * r + 1}×${2 * r + 1} box blur` : ''}`, () => {
      const pairs = meta.labels.map((expected, k) => ({ expected, read: readScene(r ? boxBlur(scene(k), r) : scene(k), vocab) }));
      const wrong = pairs.filter((p) => p.read.shape !== p.expected.shape || p.read.colour !== p.expected.colour || p.read.background !== p.expected.background);
      expect(wrong.map((p) => `${p.expected.caption} → ${p.read.colour} ${p.read.shape} on ${p.read.background} (fill ${p.read.fill.toFixed(2)})`)).toEqual([]);
      expect(accuracy(pairs)).toEqual({ n: 108, background: 1, colour: 1, shape: 1 });
    });
  }

  it('says "none" for an empty image and scores it wrong', () => {
    const blank = scene(0);
    const bg = vocab.backgrounds[meta.labels[0].background];
    const data = new Uint8ClampedArray(blank.data.length);
    for (let i = 0; i < data.length; i += 4) data.set([...bg, 255], i);
    const read = readScene({ ...blank, data }, vocab);
    expect(read).toMatchObject({ colour: 'none', shape: 'none', background: meta.labels[0].background });
    expect(accuracy([{ expected: meta.labels[0], read }])).toEqual({ n: 1, background: 1, colour: 0, shape: 0 });
  });

  it('tells the shapes apart by fill: square ≈ 1, circle ≈ π/4, triangle ≈ ½', () => {
    const fills: Record<string, number[]> = {};
    meta.labels.forEach((l, k) => (fills[l.shape] ??= []).push(readScene(scene(k), vocab).fill));
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(fills.square)).toBeCloseTo(1, 1);
    expect(mean(fills.circle)).toBeCloseTo(Math.PI / 4, 1);
    expect(mean(fills.triangle)).toBeCloseTo(0.5, 1);
  });
});

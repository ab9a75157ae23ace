// Toy model v2's check (issue 22), not wired to a model: the pair cases, and the bars scored over
// (caption, image) lists painted here with known mistakes, so each bar is met or missed by design.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RgbaLike } from './scene-check.ts';
import { scoreToyResults, TOY_BARS, ToyCheckError, toyCheckCases, toyPairCases, type ToyResult } from './toy-check.ts';
import { parseCaption, type Pair, type ToyVocabulary } from './vocabulary.ts';

const vocab = JSON.parse(readFileSync(new URL('../../../scripts/toy-model/v2/vocab.json', import.meta.url), 'utf8')) as ToyVocabulary;
const v1 = JSON.parse(readFileSync(new URL('../../../public/models/toy/slothful_toy.json', import.meta.url), 'utf8')) as ToyVocabulary;

interface Painted {
  shape: string;
  colour: string;
  at: Pair;
  side: number;
}

/** A 128² scene with hard edges: shapes as scripts/toy-model/scenes.py draws them (triangle: apex up). */
function paint(background: string, objects: readonly Painted[]): RgbaLike {
  const n = 128;
  const data = new Uint8ClampedArray(4 * n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let rgb = vocab.backgrounds[background];
      for (const { shape, colour, at, side } of objects) {
        const [dx, dy, h] = [x + 0.5 - at[0], y + 0.5 - at[1], side / 2];
        const inside = shape === 'circle' ? Math.hypot(dx, dy) <= h : shape === 'square' ? Math.abs(dx) <= h && Math.abs(dy) <= h : dy >= -h && dy <= h && Math.abs(dx) <= ((dy + h) / side) * h;
        if (inside) rgb = vocab.colours[colour];
      }
      data.set([...rgb, 255], 4 * (y * n + x));
    }
  }
  return { width: n, height: n, data };
}

const colours = Object.keys(vocab.colours);
const otherColour = (c: string, not: string) => colours.find((x) => x !== c && x !== not)!;
const otherShape = (s: string) => vocab.shapes[(vocab.shapes.indexOf(s) + 1) % vocab.shapes.length];
const at = (place: string) => vocab.positions![place];

describe('toyPairCases', () => {
  it('every relation × background × 9 object pairs × seed, in the trained form, two different colours each', () => {
    const cases = toyPairCases(vocab, [1, 2]);
    expect(cases).toHaveLength(4 * 3 * 9 * 2);
    expect(new Set(cases.map((c) => c.expected.relation))).toEqual(new Set(Object.keys(vocab.relations!)));
    expect(new Set(cases.map((c) => c.expected.objects[0].colour))).toEqual(new Set(colours));
    expect(new Set(cases.map((c) => c.expected.objects[1].shape))).toEqual(new Set(vocab.shapes));
    for (const c of cases) {
      expect(c.expected.objects[0].colour).not.toBe(c.expected.objects[1].colour);
      const parsed = parseCaption(c.caption, vocab);
      expect(parsed).toEqual({ kind: 'pair', background: c.expected.background, relation: c.expected.relation, objects: c.expected.objects.map((o) => ({ ...o, size: '', pattern: '' })) });
    }
    expect(cases.filter((c) => c.caption.startsWith('an orange ')).length).toBeGreaterThan(0);
    expect(cases.filter((c) => /\ba orange\b/.test(c.caption))).toEqual([]);
    expect(cases[0].caption).toBe('a red circle to the left of a green square on a white background');
  });

  it('a v1 vocabulary has none (it has no relations); its single cases keep v1’s “a orange”', () => {
    expect(() => toyPairCases(v1, [1])).toThrow(ToyCheckError);
    expect(toyCheckCases(v1, [1]).map((c) => c.caption)).toContain('a orange circle on a white background');
    expect(toyCheckCases(vocab, [1]).map((c) => c.caption)).toContain('an orange circle on a white background');
  });
});

describe('scoreToyResults against the bars', () => {
  /** 20 single images: `wrongColour` drawn in another colour, the next `wrongShape` as another shape. */
  function singles(wrongColour: number, wrongShape: number): ToyResult[] {
    return toyCheckCases(vocab, [1]).slice(0, 20).map((c, i) => {
      const { background, colour, shape } = c.expected;
      const drawn = { colour: i < wrongColour ? otherColour(colour, background) : colour, shape: i >= wrongColour && i < wrongColour + wrongShape ? otherShape(shape) : shape };
      return { caption: c.caption, image: paint(background, [{ ...drawn, at: [64, 64], side: 44 }]) };
    });
  }
  /** 20 pair images: `wrongColour` with the second object in a third colour, the next `swapped` with the objects' places swapped. */
  function pairs(wrongColour: number, swapped: number): ToyResult[] {
    return toyPairCases(vocab, [1]).slice(0, 20).map((c, i) => {
      const [a, b] = c.expected.objects;
      const r = vocab.relations![c.expected.relation];
      const [pa, pb] = i >= wrongColour && i < wrongColour + swapped ? [at(r.second), at(r.first)] : [at(r.first), at(r.second)];
      const second = { ...b, colour: i < wrongColour ? otherColour(b.colour, a.colour) : b.colour };
      return { caption: c.caption, image: paint(c.expected.background, [{ ...a, at: pa, side: 36 }, { ...second, at: pb, side: 30 }]) };
    });
  }

  it('all right: every bar met', () => {
    const s = scoreToyResults([...singles(0, 0), ...pairs(0, 0)], vocab);
    expect(s.single).toEqual({ n: 20, background: 1, colour: 1, shape: 1 });
    expect(s.pair).toMatchObject({ n: 20, bothPresent: 1, colours: 1, relation: 1 });
    expect(s.met).toBe(true);
  });

  // a pair in the wrong colours has no right relation either: 4 wrong colours + 2 swapped = 14/20 relations
  it('exactly at the bars (19/20 colour, 17/20 shape, 16/20 pair colours, 14/20 relations): met', () => {
    const s = scoreToyResults([...singles(1, 3), ...pairs(4, 2)], vocab);
    expect(s.single).toEqual({ n: 20, background: 1, colour: 0.95, shape: 0.85 });
    expect(s.pair).toMatchObject({ n: 20, bothPresent: 1, colours: 0.8, relation: 0.7 });
    expect(s.bars.map((b) => [b.bar, b.value, b.min, b.met])).toEqual([
      ['single background', 1, TOY_BARS.single.background, true],
      ['single colour', 0.95, 0.95, true],
      ['single shape', 0.85, 0.85, true],
      ['pair colours', 0.8, 0.8, true],
      ['pair relation', 0.7, 0.7, true],
    ]);
    expect(s.met).toBe(true);
  });

  it('one more mistake of each kind misses that bar alone', () => {
    const miss = (r: ToyResult[]) => scoreToyResults(r, vocab).bars.filter((b) => !b.met).map((b) => b.bar);
    expect(miss([...singles(2, 3), ...pairs(4, 2)])).toEqual(['single colour']);
    expect(miss([...singles(1, 4), ...pairs(4, 2)])).toEqual(['single shape']);
    expect(miss([...singles(1, 3), ...pairs(5, 1)])).toEqual(['pair colours']);
    expect(miss([...singles(1, 3), ...pairs(4, 3)])).toEqual(['pair relation']);
    expect(miss([...singles(1, 3), ...pairs(5, 2)])).toEqual(['pair colours', 'pair relation']);
  });

  it('a missing second object fails the pair; no pair images: the pair bars are not met', () => {
    const [c] = toyPairCases(vocab, [1]);
    const r = vocab.relations![c.expected.relation];
    const one = scoreToyResults([{ caption: c.caption, image: paint(c.expected.background, [{ ...c.expected.objects[0], at: at(r.first), side: 36 }]) }], vocab);
    expect(one.pair).toMatchObject({ n: 1, bothPresent: 0, colours: 0, relation: 0 });
    const none = scoreToyResults(singles(0, 0), vocab);
    expect(none.bars.filter((b) => !b.met)).toEqual([
      { bar: 'pair colours', value: 0, min: 0.8, n: 0, met: false },
      { bar: 'pair relation', value: 0, min: 0.7, n: 0, met: false },
    ]);
  });

  it('a caption that is not the vocabulary’s is an error, not a score', () => {
    expect(() => scoreToyResults([{ caption: 'a cat in space', image: paint('white', []) }], vocab)).toThrow(/not one of this toy vocabulary's captions/);
  });
});

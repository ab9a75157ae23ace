import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { articleFor, captionPicks, displayCaption, fillCaption, modelCaption, parseCaption, parseToyVocabulary, toModelCaption, usesArticles } from './vocabulary.ts';

const shipped = JSON.parse(readFileSync(new URL('../../../public/models/toy/slothful_toy.json', import.meta.url), 'utf8')) as unknown;

describe('toy vocabulary', () => {
  it('parses the shipped slothful_toy.json and fills its caption form as the model was trained', () => {
    const v = parseToyVocabulary(shipped);
    expect(v).not.toBeNull();
    expect(v!.shapes).toContain('circle');
    expect(fillCaption(v!.captionTemplates.single, { colour: 'red', shape: 'circle', background: 'white' })).toBe('a red circle on a white background');
  });

  it('leaves slots it has no word for', () => {
    expect(fillCaption('a {colour} {shape}', { colour: 'blue' })).toBe('a blue {shape}');
  });

  it.each([null, 3, {}, { shapes: [], colours: {}, backgrounds: {} }, { shapes: 'circle', colours: {}, backgrounds: {}, captionTemplates: { single: 'x' } }])('refuses %j', (x) => {
    expect(parseToyVocabulary(x)).toBeNull();
  });

  it('reads captions with English articles, and sends the model the form it was trained on', () => {
    const v = parseToyVocabulary(shipped)!;
    const trained = fillCaption(v.captionTemplates.single, { colour: 'orange', shape: 'circle', background: 'white' });
    expect(trained).toBe('a orange circle on a white background'); // scripts/toy-model/vocab.json's form
    expect(displayCaption(trained)).toBe('an orange circle on a white background');
    expect(displayCaption('A orange square on a black background')).toBe('An orange square on a black background');
    expect(displayCaption('an yellow circle, a unicorn, an hour')).toBe('a yellow circle, a unicorn, an hour');
    expect(toModelCaption('An orange circle on a white background', v)).toBe('A orange circle on a white background');
    expect(toModelCaption(displayCaption(trained), v)).toBe(trained);
    expect(toModelCaption('an apple and an orange square', v)).toBe('an apple and a orange square'); // only the model's words
    expect(['orange', 'yellow', 'umbrella', 'university'].map(articleFor)).toEqual(['an', 'a', 'an', 'a']);
  });

  it('finds the words a prompt mentions, first one per slot, whole words only', () => {
    const v = parseToyVocabulary(shipped)!;
    expect(captionPicks('A red triangle on the left on a black background', v)).toEqual({ colour: 'red', shape: 'triangle', background: 'black', position: 'left' });
    expect(captionPicks('a blue square and a red circle', v)).toEqual({ colour: 'blue', shape: 'square' });
    expect(captionPicks('reddish squares', v)).toEqual({});
  });
});

describe('toy vocabulary v2 (scripts/toy-model/v2/vocab.json): articles, sizes, stripes, relations', () => {
  const v2 = parseToyVocabulary(JSON.parse(readFileSync(new URL('../../../scripts/toy-model/v2/vocab.json', import.meta.url), 'utf8')))!;
  const v1 = parseToyVocabulary(shipped)!;
  // every v2 caption scenes.py wrote for the scene fixture (dump_scenes.py --version 2)
  const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/scenes-v2.json', import.meta.url), 'utf8')) as { labels: { caption: string; kind: string; background: string; position: string | null; relation: string | null; objects: { colour: string; shape: string; size: string; pattern: string }[] }[] };

  it('parses v2’s file, and refuses one whose v2 parts are malformed (a relation at an unknown place, a size not [lo, hi], …)', () => {
    const raw = JSON.parse(readFileSync(new URL('../../../scripts/toy-model/v2/vocab.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(parseToyVocabulary(raw)).toEqual(raw);
    const broken = [
      { relations: { above: { first: 'top', second: 'nowhere' } } },
      { sizes: { single: { small: [22] }, pair: {} } },
      { sizes: { single: {} } },
      { patterns: { striped: { period: 16, dark: 8 } } },
      { positions: { left: 'left' } },
      { objectPhrase: undefined },
    ];
    for (const b of broken) expect(parseToyVocabulary({ ...raw, ...b }), JSON.stringify(b)).toBeNull();
  });

  it('knows from the file, not a version number, that v2 writes articles and v1 does not', () => {
    expect([usesArticles(v2), usesArticles(v1)]).toEqual([true, false]);
    expect(usesArticles({ ...v2, article: undefined })).toBe(false);
  });

  it('fillCaption writes “an orange” for v2 only, and drops empty slots as scenes.py does', () => {
    const words = { colour: 'orange', shape: 'circle', background: 'white' };
    expect(fillCaption(v2.captionTemplates.single, words, v2)).toBe('an orange circle on a white background');
    expect(fillCaption(v1.captionTemplates.single, words, v1)).toBe('a orange circle on a white background');
    expect(fillCaption(v1.captionTemplates.single, words)).toBe('a orange circle on a white background');
    expect(fillCaption(v2.objectPhrase!, { size: '', pattern: '', colour: 'orange', shape: 'square' }, v2)).toBe('an orange square');
    expect(fillCaption(v2.objectPhrase!, { size: 'large', pattern: 'striped', colour: 'orange', shape: 'square' }, v2)).toBe('a large striped orange square');
  });

  it('modelCaption and parseCaption give back every caption v2 was trained on (300 from scenes.py)', () => {
    for (const l of fixture.labels) {
      const parsed = parseCaption(l.caption, v2);
      const [a, b] = l.objects.map(({ colour, shape, size, pattern }) => ({ colour, shape, size, pattern }));
      if (l.kind === 'pair') {
        expect(parsed).toEqual({ kind: 'pair', background: l.background, relation: l.relation, objects: [a, b] });
        expect(modelCaption(v2, { ...a, colour2: b.colour, shape2: b.shape, size2: b.size, pattern2: b.pattern, relation: l.relation!, background: l.background })).toBe(l.caption);
      } else {
        expect(parsed).toEqual({ kind: l.kind, background: l.background, object: a, position: l.position ?? '' });
        expect(modelCaption(v2, { ...a, background: l.background, position: l.position ?? '' })).toBe(l.caption);
      }
    }
    expect(fixture.labels.some((l) => l.caption.includes(' an orange'))).toBe(true);
  });

  it('parseCaption takes any case, spacing and article; refuses what is no caption', () => {
    expect(parseCaption('A  Small STRIPED red circle above an blue square on a gray background', v2)).toEqual({
      kind: 'pair', background: 'gray', relation: 'above',
      objects: [{ colour: 'red', shape: 'circle', size: 'small', pattern: 'striped' }, { colour: 'blue', shape: 'square', size: '', pattern: '' }],
    });
    for (const text of ['a red circle', 'a red circle on a white background, 4k', 'a striped small red circle on a white background', 'a red circle near a blue square on a white background']) expect(parseCaption(text, v2)).toBeNull();
    expect(parseCaption('a red circle above a blue square on a white background', v1)).toBeNull(); // v1 has no relations
    expect(parseCaption('a orange circle on the top on a gray background', v1)).toEqual({ kind: 'singleAt', background: 'gray', position: 'top', object: { colour: 'orange', shape: 'circle', size: '', pattern: '' } });
  });

  it('toModelCaption sends v2 its trained articles (“a orange” → “an orange”), v1 its own (“an orange” → “a orange”)', () => {
    expect(toModelCaption('a orange circle to the left of an red square on a white background', v2)).toBe('an orange circle to the left of a red square on a white background');
    expect(toModelCaption('A orange circle', v2)).toBe('An orange circle');
    expect(toModelCaption('an apple and a orange square', v2)).toBe('an apple and an orange square'); // only before the model's words
    expect(toModelCaption('an large striped circle', v2)).toBe('a large striped circle');
    expect(toModelCaption('an orange circle', v1)).toBe('a orange circle');
  });

  it('captionPicks: a relation splits the prompt into the first object, the second and the background', () => {
    expect(captionPicks('a small striped red circle to the left of a large blue square on a black background', v2)).toEqual({
      size: 'small', pattern: 'striped', colour: 'red', shape: 'circle', relation: 'to the left of', size2: 'large', colour2: 'blue', shape2: 'square', background: 'black',
    });
    expect(captionPicks('a large green triangle on the left on a gray background', v2)).toEqual({ size: 'large', colour: 'green', shape: 'triangle', position: 'left', background: 'gray' });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillCaption, parseToyVocabulary } from './vocabulary.ts';

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
});

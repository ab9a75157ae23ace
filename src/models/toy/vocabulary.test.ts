import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { articleFor, captionPicks, displayCaption, fillCaption, parseToyVocabulary, toModelCaption } from './vocabulary.ts';

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

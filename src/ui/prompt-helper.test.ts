import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseToyVocabulary } from '../models/toy/vocabulary.ts';
import { pickWord, promptHelperView } from './prompt-helper.ts';

const vocab = parseToyVocabulary(JSON.parse(readFileSync('public/models/toy/slothful_toy.json', 'utf8')))!;

describe('prompt helper', () => {
  it('the chips follow the prompt: a link’s “a red triangle …” shows red and triangle', () => {
    const view = promptHelperView('a red triangle on a black background', vocab);
    expect(view).toEqual({ picks: { colour: 'red', shape: 'triangle', background: 'black', position: '' }, caption: 'a red triangle on a black background', follows: true });
    expect(promptHelperView('a green circle on the top on a gray background', vocab).picks).toEqual({ colour: 'green', shape: 'circle', background: 'gray', position: 'top' });
  });

  it('while the prompt is a caption, a chip edits it (and says “an orange”)', () => {
    const view = promptHelperView('a red triangle on a black background', vocab);
    expect(pickWord(view, vocab, 'colour', 'orange').prompt).toBe('an orange triangle on a black background');
    const orange = promptHelperView('an orange triangle on a black background', vocab);
    expect(orange.follows).toBe(true);
    expect(pickWord(orange, vocab, 'position', 'right').prompt).toBe('an orange triangle on the right on a black background');
    expect(pickWord(promptHelperView('', vocab), vocab, 'shape', 'square').prompt).toBe('a red square on a white background');
  });

  it('a prompt of your own is never edited by a chip: the chips show what it mentions, the caption waits for Replace', () => {
    const own = promptHelperView('a red triangle, highly detailed, 4k', vocab);
    expect(own.follows).toBe(false);
    expect(own.picks).toMatchObject({ colour: 'red', shape: 'triangle' });
    const next = pickWord(own, vocab, 'colour', 'orange');
    expect(next.prompt).toBeNull();
    const after = promptHelperView('a red triangle, highly detailed, 4k', vocab, next.picks);
    expect(after.caption).toBe('an orange triangle on a white background');
    expect(promptHelperView('a cat in space', vocab).follows).toBe(false);
  });

  it('a prompt of your own that names no word keeps the words the chips showed last', () => {
    const last = { colour: 'orange', shape: 'triangle', background: 'black', position: '' };
    expect(promptHelperView('my own sloth', vocab, {}, last).caption).toBe('an orange triangle on a black background');
    expect(promptHelperView('a blue sloth', vocab, { shape: 'square' }, last).caption).toBe('a blue square on a black background');
  });
});

describe('prompt helper with a v2 vocabulary (sizes, stripes, relations)', () => {
  const v2 = parseToyVocabulary(JSON.parse(readFileSync('scripts/toy-model/v2/vocab.json', 'utf8')))!;

  it('v1’s chips stay v1’s: no size, pattern, relation or second object', () => {
    expect(Object.keys(promptHelperView('', vocab).picks).sort()).toEqual(['background', 'colour', 'position', 'shape']);
  });

  it('the chips follow a v2 pair caption, and building it back gives the same caption', () => {
    const prompt = 'a small striped red circle to the left of an orange square on a gray background';
    const view = promptHelperView(prompt, v2);
    expect(view).toEqual({
      picks: { size: 'small', pattern: 'striped', colour: 'red', shape: 'circle', relation: 'to the left of', size2: '', pattern2: '', colour2: 'orange', shape2: 'square', background: 'gray', position: '' },
      caption: prompt,
      follows: true,
    });
    expect(promptHelperView('a small striped red circle to the left of a orange square on a gray background', v2).follows).toBe(true); // sent as “an orange”
  });

  it('chips add a size, stripes and a relation with a second object, with v2’s articles', () => {
    const start = promptHelperView('', v2);
    expect(start.caption).toBe('a red circle on a white background');
    let step = pickWord(start, v2, 'size', 'large');
    expect(step.prompt).toBe('a large red circle on a white background');
    step = pickWord(promptHelperView(step.prompt!, v2), v2, 'colour', 'orange');
    step = pickWord(promptHelperView(step.prompt!, v2), v2, 'size', '');
    expect(step.prompt).toBe('an orange circle on a white background');
    step = pickWord(promptHelperView(step.prompt!, v2), v2, 'relation', 'above');
    expect(step.prompt).toBe('an orange circle above a red square on a white background'); // the second object: another colour, the next shape
    step = pickWord(promptHelperView(step.prompt!, v2), v2, 'pattern2', 'striped');
    expect(step.prompt).toBe('an orange circle above a striped red square on a white background');
    expect(promptHelperView(step.prompt!, v2).follows).toBe(true);
  });

  it('a position and a relation exclude each other: picking one clears the other', () => {
    const pair = promptHelperView('a red circle below a blue square on a white background', v2);
    const placed = pickWord(pair, v2, 'position', 'top');
    expect(placed.picks).toMatchObject({ position: 'top', relation: '' });
    expect(placed.prompt).toBe('a red circle on the top on a white background');
    const back = pickWord(promptHelperView(placed.prompt!, v2), v2, 'relation', 'below');
    expect(back.picks).toMatchObject({ position: '', relation: 'below' });
    expect(back.prompt).toBe('a red circle below a green square on a white background'); // the chips follow the prompt: it no longer names the blue square
  });
});

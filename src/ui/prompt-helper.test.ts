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

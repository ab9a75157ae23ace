// The prompt helper's word lists in the store: fetched once per file through the app's store
// (global fetch stubbed with the embedded toy model's real file), errors kept as data and retried.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from './store.ts';
import { fakePorts } from './testing/fake-ports.ts';
import { vocabularyUrl } from './vocabulary-slice.ts';

const TOY_JSON = readFileSync('public/models/toy/slothful_toy.json', 'utf8');
const TOY_URL = 'models/toy/slothful_toy.json';

/** Stubs fetch with answers per call (status, body), recording the URLs asked for. */
function stubFetch(...answers: { status: number; body: string }[]) {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    urls.push(url);
    const a = answers[Math.min(urls.length, answers.length) - 1];
    return new Response(a.body, { status: a.status });
  });
  return urls;
}

afterEach(() => vi.unstubAllGlobals());

describe('vocabulary slice', () => {
  it('finds the file beside the model, or none', () => {
    expect(vocabularyUrl({ base: 'models/toy/', vocabularyFile: 'slothful_toy.json' })).toBe(TOY_URL);
    expect(vocabularyUrl({ base: 'models/toy', vocabularyFile: 'slothful_toy.json' })).toBe(TOY_URL);
    expect(vocabularyUrl({ base: 'models/tiny' })).toBeNull();
    expect(vocabularyUrl(undefined)).toBeNull();
  });

  it('loads the toy model’s words once, however often it is asked', async () => {
    const urls = stubFetch({ status: 200, body: TOY_JSON });
    const store = createAppStore(fakePorts());
    const asks = [store.getState().loadVocabulary(TOY_URL), store.getState().loadVocabulary(TOY_URL)];
    expect(store.getState().vocabularies[TOY_URL]).toEqual({ kind: 'loading' });
    await Promise.all(asks);
    await store.getState().loadVocabulary(TOY_URL);
    expect(urls).toEqual([TOY_URL]);
    const load = store.getState().vocabularies[TOY_URL];
    expect(load.kind).toBe('ready');
    const v = load.kind === 'ready' ? load.vocabulary : undefined;
    expect(v?.shapes).toEqual(['circle', 'square', 'triangle']);
    expect(Object.keys(v?.colours ?? {})).toHaveLength(6);
  });

  it('an HTTP error or a file without the words is an error, and asking again fetches again', async () => {
    const urls = stubFetch({ status: 404, body: 'not found' }, { status: 200, body: '{"shapes": []}' }, { status: 200, body: TOY_JSON });
    const store = createAppStore(fakePorts());
    await store.getState().loadVocabulary(TOY_URL);
    expect(store.getState().vocabularies[TOY_URL]).toEqual({ kind: 'error' });
    await store.getState().loadVocabulary(TOY_URL);
    expect(store.getState().vocabularies[TOY_URL]).toEqual({ kind: 'error' });
    await store.getState().loadVocabulary(TOY_URL);
    expect(store.getState().vocabularies[TOY_URL].kind).toBe('ready');
    expect(urls).toHaveLength(3);
  });
});

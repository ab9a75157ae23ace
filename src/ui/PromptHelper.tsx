// Prompt helper for models that know a small vocabulary (the embedded toy model): lists the words
// the model was trained on, read from the model folder's vocabulary file (registry
// `vocabularyFile`, loaded by the store's vocabulary slice), and builds a prompt in the caption
// form it learnt from three picks.
import { useEffect, useState } from 'react';
import { fillCaption, type Rgb } from '../models/toy/vocabulary.ts';
import { useApp } from '../state/store.ts';
import { vocabularyUrl } from '../state/vocabulary-slice.ts';

const swatch = (rgb: Rgb) => ({ background: `rgb(${rgb.join(',')})` });

export function PromptHelper() {
  const modelId = useApp((s) => s.params.gen.model);
  const entry = useApp((s) => s.catalog.entries.find((e) => e.id === modelId));
  const setGen = useApp((s) => s.setGen);
  const url = vocabularyUrl(entry);
  const load = useApp((s) => (url ? s.vocabularies[url] : undefined));
  const loadVocabulary = useApp((s) => s.loadVocabulary);
  useEffect(() => {
    if (url) void loadVocabulary(url);
  }, [url, loadVocabulary]);
  const [pick, setPick] = useState<{ colour?: string; shape?: string; background?: string; position?: string }>({});
  if (!url) return null;
  if (!load || load.kind === 'loading') return <p className="muted small">Loading the words this model knows…</p>;
  if (load.kind === 'error') return <p className="bad small">This model's word list ({entry?.vocabularyFile}) could not be read.</p>;
  const vocab = load.vocabulary;
  const colour = pick.colour ?? Object.keys(vocab.colours)[0];
  const shape = pick.shape ?? vocab.shapes[0];
  const background = pick.background ?? Object.keys(vocab.backgrounds)[0];
  const position = pick.position ?? '';
  const template = position && vocab.captionTemplates.singleAt ? vocab.captionTemplates.singleAt : vocab.captionTemplates.single;
  const prompt = fillCaption(template, { colour, shape, background, position });
  const chosen = (key: 'colour' | 'shape' | 'background' | 'position', words: readonly string[]) => pick[key] ?? (key === 'position' ? '' : words[0]);
  const chips = <T extends string>(key: 'colour' | 'shape' | 'background' | 'position', words: readonly T[], style?: (w: T) => React.CSSProperties) => (
    <div className="chips" role="group" aria-label={key}>
      {words.map((w) => (
        <button type="button" key={w || 'none'} className={`chip${chosen(key, words) === w ? ' on' : ''}`} aria-pressed={chosen(key, words) === w} data-testid={`word-${key}-${w || 'none'}`} onClick={() => setPick({ ...pick, [key]: w })}>
          {style && <span className="swatch" style={style(w)} />}
          {w || 'any place'}
        </button>
      ))}
    </div>
  );
  return (
    <details className="prompt-helper" data-testid="prompt-helper" open>
      <summary>Words this model knows</summary>
      {chips('colour', Object.keys(vocab.colours), (w) => swatch(vocab.colours[w]))}
      {chips('shape', vocab.shapes)}
      {chips('background', Object.keys(vocab.backgrounds), (w) => swatch(vocab.backgrounds[w]))}
      {vocab.positions && vocab.captionTemplates.singleAt && chips('position', ['', ...Object.keys(vocab.positions)])}
      <div className="inline">
        <code className="small" data-testid="prompt-helper-preview">{prompt}</code>
        <button type="button" className="small" data-testid="prompt-helper-use" onClick={() => setGen('prompt', prompt)}>
          Use
        </button>
      </div>
      {vocab.captionTemplates.pair && <p className="muted small">Two objects: “{fillCaption(vocab.captionTemplates.pair, { colour1: 'red', shape1: 'circle', colour2: 'blue', shape2: 'square', background: 'white' })}” (less reliable).</p>}
    </details>
  );
}

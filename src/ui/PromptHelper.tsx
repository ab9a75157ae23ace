// Prompt helper for models that know a small vocabulary (the embedded toy model): lists the words
// the model was trained on, read from the model folder's vocabulary file (registry
// `vocabularyFile`, loaded by the store's vocabulary slice), and builds a prompt in the caption
// form it learnt. The chips follow the prompt (prompt-helper.ts): while the prompt is one of these
// captions a chip edits it; a prompt of your own is replaced only by "Replace prompt" (with Undo).
import { useEffect, useState } from 'react';
import { fillCaption, displayCaption, type CaptionPicks, type CaptionSlot, type Rgb } from '../models/toy/vocabulary.ts';
import { useApp } from '../state/store.ts';
import { vocabularyUrl } from '../state/vocabulary-slice.ts';
import { pickWord, promptHelperView } from './prompt-helper.ts';

const swatch = (rgb: Rgb) => ({ background: `rgb(${rgb.join(',')})` });

export function PromptHelper() {
  const modelId = useApp((s) => s.params.gen.model);
  const prompt = useApp((s) => s.params.gen.prompt);
  const entry = useApp((s) => s.catalog.entries.find((e) => e.id === modelId));
  const setGen = useApp((s) => s.setGen);
  const url = vocabularyUrl(entry);
  const load = useApp((s) => (url ? s.vocabularies[url] : undefined));
  const loadVocabulary = useApp((s) => s.loadVocabulary);
  useEffect(() => {
    if (url) void loadVocabulary(url);
  }, [url, loadVocabulary]);
  // chips clicked while the prompt is the person's own (for that prompt only); the words shown last
  // while the chips followed a caption; the prompt that "Replace" replaced (for Undo)
  const [chosen, setChosen] = useState<{ forPrompt: string; picks: CaptionPicks }>({ forPrompt: '', picks: {} });
  const [remembered, setRemembered] = useState<CaptionPicks>({});
  const [replaced, setReplaced] = useState<string | null>(null);
  if (!url) return null;
  if (!load || load.kind === 'loading') return <p className="muted small">Loading the words this model knows…</p>;
  if (load.kind === 'error') return <p className="bad small">This model's word list ({entry?.vocabularyFile}) could not be read.</p>;
  const vocab = load.vocabulary;
  const view = promptHelperView(prompt, vocab, chosen.forPrompt === prompt ? chosen.picks : {}, remembered);
  const pick = (slot: CaptionSlot, word: string) => {
    const next = pickWord(view, vocab, slot, word);
    if (next.prompt !== null) {
      setGen('prompt', next.prompt);
      setRemembered(next.picks);
      setReplaced(null);
    } else setChosen({ forPrompt: prompt, picks: next.picks });
  };
  const chips = <T extends string>(key: CaptionSlot, words: readonly T[], style?: (w: T) => React.CSSProperties, none = 'any place') => (
    <div className="chips" role="group" aria-label={key}>
      {words.map((w) => (
        <button type="button" key={w || 'none'} className={`chip${view.picks[key] === w ? ' on' : ''}`} aria-pressed={view.picks[key] === w} data-testid={`word-${key}-${w.replace(/ /g, '-') || 'none'}`} onClick={() => pick(key, w)}>
          {style && <span className="swatch" style={style(w)} />}
          {w || none}
        </button>
      ))}
    </div>
  );
  const colourSwatch = (w: string) => swatch(vocab.colours[w]);
  // v2's words, where the vocabulary has them: sizes, patterns, relations (then a second object)
  const sizes = vocab.sizes ? ['', ...Object.keys(vocab.sizes.single).filter(Boolean)] : null;
  const patterns = vocab.patterns ? ['', ...Object.keys(vocab.patterns)] : null;
  const relations = vocab.relations ? ['', ...Object.keys(vocab.relations)] : null;
  return (
    <details className="prompt-helper" data-testid="prompt-helper" data-follows={view.follows} open>
      <summary>Words this model knows</summary>
      {sizes && chips('size', sizes, undefined, 'any size')}
      {patterns && chips('pattern', patterns, undefined, 'plain')}
      {chips('colour', Object.keys(vocab.colours), colourSwatch)}
      {chips('shape', vocab.shapes)}
      {relations && chips('relation', relations, undefined, 'one object')}
      {view.picks.relation && (
        <>
          {sizes && chips('size2', sizes, undefined, 'any size')}
          {patterns && chips('pattern2', patterns, undefined, 'plain')}
          {chips('colour2', Object.keys(vocab.colours), colourSwatch)}
          {chips('shape2', vocab.shapes)}
        </>
      )}
      {chips('background', Object.keys(vocab.backgrounds), (w) => swatch(vocab.backgrounds[w]))}
      {vocab.positions && vocab.captionTemplates.singleAt && !view.picks.relation && chips('position', ['', ...Object.keys(vocab.positions)])}
      {view.follows ? (
        <p className="muted small">The words follow the prompt: pick one to change it.</p>
      ) : (
        <div className="inline wrap">
          <span className="small">Your prompt is not one of these captions.</span>
          <code className="small" data-testid="prompt-helper-preview">{view.caption}</code>
          <button
            type="button"
            className="small"
            data-testid="prompt-helper-use"
            onClick={() => {
              setReplaced(prompt);
              setRemembered(view.picks);
              setGen('prompt', view.caption);
            }}
          >
            Replace prompt
          </button>
        </div>
      )}
      {replaced !== null && view.follows && (
        <p className="small">
          Replaced your prompt.{' '}
          <button type="button" className="small" data-testid="prompt-helper-undo" onClick={() => {
              setGen('prompt', replaced);
              setReplaced(null);
            }}>
            Undo
          </button>
        </p>
      )}
      {vocab.captionTemplates.pair && !vocab.relations && <p className="muted small">Two objects: “{displayCaption(fillCaption(vocab.captionTemplates.pair, { colour1: 'red', shape1: 'circle', colour2: 'blue', shape2: 'square', background: 'white' }))}” (less reliable).</p>}
    </details>
  );
}

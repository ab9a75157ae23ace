// What the prompt helper shows for a prompt: the words it mentions (the chips follow the prompt),
// the caption the chips build, and whether the prompt is one of the helper's captions. While it is
// (or empty), a chip edits the prompt at once; a prompt of the person's own stays until they press
// Replace (with Undo), so the helper never overwrites it silently. Pure, for the tests.
import { captionPicks, displayCaption, modelCaption, toModelCaption, type CaptionPicks, type CaptionSlot, type ToyVocabulary } from '../models/toy/vocabulary.ts';

/** The words the chips show: v1's four always, v2's (sizes, patterns, relations, the second object) where the vocabulary has them. */
export type HelperPicks = {
  colour: string;
  shape: string;
  background: string;
  /** '' = any place */
  position: string;
} & Partial<Record<'size' | 'pattern' | 'relation' | 'colour2' | 'shape2' | 'size2' | 'pattern2', string>>;

export interface PromptHelperView {
  picks: HelperPicks;
  /** the caption of `picks`, as people read it ("an orange circle on a white background") */
  caption: string;
  /** the prompt is empty or one of the helper's captions: a chip edits it directly */
  follows: boolean;
}

const normal = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

function withDefaults(vocab: ToyVocabulary, picks: CaptionPicks): HelperPicks {
  const colours = Object.keys(vocab.colours);
  const out: HelperPicks = {
    colour: picks.colour ?? colours[0],
    shape: picks.shape ?? vocab.shapes[0],
    background: picks.background ?? Object.keys(vocab.backgrounds)[0],
    position: vocab.captionTemplates.singleAt && !picks.relation ? (picks.position ?? '') : '',
  };
  // '' = no size word / plain / one object
  if (vocab.sizes) [out.size, out.size2] = [picks.size ?? '', picks.size2 ?? ''];
  if (vocab.patterns) [out.pattern, out.pattern2] = [picks.pattern ?? '', picks.pattern2 ?? ''];
  if (vocab.relations) {
    out.relation = picks.relation ?? '';
    out.colour2 = picks.colour2 ?? colours.find((c) => c !== out.colour) ?? colours[0];
    out.shape2 = picks.shape2 ?? vocab.shapes[1 % vocab.shapes.length];
  }
  return out;
}

/**
 * `chosen`: the chips clicked while the prompt is the person's own; `remembered`: the words the chips
 * showed last while they followed a caption. Both count only while the prompt is not a caption; the
 * words the prompt mentions win over the remembered ones, the clicked ones over both.
 */
export function promptHelperView(prompt: string, vocab: ToyVocabulary, chosen: CaptionPicks = {}, remembered: CaptionPicks = {}): PromptHelperView {
  const found = captionPicks(prompt, vocab);
  const mentioned = withDefaults(vocab, found);
  const follows = normal(prompt) === '' || normal(toModelCaption(prompt, vocab)) === modelCaption(vocab, mentioned);
  const picks = follows ? mentioned : withDefaults(vocab, { ...remembered, ...found, ...chosen });
  return { picks, caption: displayCaption(modelCaption(vocab, picks)), follows };
}

/** The picks after clicking `word` in `slot`, and the prompt that goes with them when the chips follow the prompt. */
export function pickWord(view: PromptHelperView, vocab: ToyVocabulary, slot: CaptionSlot, word: string): { picks: HelperPicks; prompt: string | null } {
  const picks = { ...view.picks, [slot]: word };
  // one object at a named place, or two in a relation
  if (slot === 'relation' && word) picks.position = '';
  if (slot === 'position' && word && picks.relation) picks.relation = '';
  return { picks, prompt: view.follows ? displayCaption(modelCaption(vocab, picks)) : null };
}

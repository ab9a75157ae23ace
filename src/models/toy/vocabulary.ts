// The toy model's vocabulary file (public/models/toy/slothful_toy.json, written from
// scripts/toy-model/vocab.json): the words it was trained on, their palettes and the caption forms
// it learnt. One place for its type, its parsing and filling a caption, used by the prompt helper
// (src/ui/PromptHelper.tsx), the accuracy check (toy-check.ts) and the image reader (scene-check.ts).
// Captions come in two forms: the model's own ("a orange circle …", what it was trained on and is
// sent) and the one people read ("an orange circle …", displayCaption); toModelCaption maps back.

export type Rgb = readonly [number, number, number];
/** a pixel position or a [lo, hi] range */
export type Pair = readonly [number, number];

export interface StripePattern {
  /** rows y with y mod period < dark are the colour × shade (anchored to the image grid) */
  period: number;
  dark: number;
  shade: number;
}

export interface ToyVocabulary {
  shapes: readonly string[];
  colours: Readonly<Record<string, Rgb>>;
  backgrounds: Readonly<Record<string, Rgb>>;
  /** named object centres [x, y] (pixels); captions with `singleAt` use them, v2's relations too */
  positions?: Readonly<Record<string, Pair>>;
  captionTemplates: { single: string; singleAt?: string; pair?: string };
  // v2 (scripts/toy-model/v2/vocab.json); absent in v1:
  /** size words → bounding-box side range [lo, hi] in pixels, for single objects and pairs ('' = no word: any size) */
  sizes?: { single: Readonly<Record<string, Pair>>; pair: Readonly<Record<string, Pair>> };
  /** texture words ('striped') */
  patterns?: Readonly<Record<string, StripePattern>>;
  /** relation words → the positions of the caption's first and second object */
  relations?: Readonly<Record<string, { first: string; second: string }>>;
  /** 'a {size} {pattern} {colour} {shape}' (empty slots dropped) */
  objectPhrase?: string;
  /** v2's caption forms, with {object} / {object1} / {object2} */
  sceneTemplates?: { single: string; singleAt?: string; pair?: string };
  /** present when the captions were trained with English articles ("an orange circle"): the model's tokenizer has "an" */
  article?: string;
}

/** The file's JSON as a vocabulary, or null when the parts the app needs are missing. */
export function parseToyVocabulary(x: unknown): ToyVocabulary | null {
  const v = x as Partial<ToyVocabulary> | null;
  const ok = !!v && Array.isArray(v.shapes) && !!v.colours && typeof v.colours === 'object' && !!v.backgrounds && typeof v.backgrounds === 'object' && typeof v.captionTemplates?.single === 'string';
  return ok ? (v as ToyVocabulary) : null;
}

/** Fills `{word}` slots of a caption template ("a {colour} {shape} on a {background} background"); unknown slots stay. */
export function fillCaption(template: string, words: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => words[k] ?? m);
}

/** The slots the prompt helper picks a word for. */
export type CaptionSlot = 'colour' | 'shape' | 'background' | 'position';
export type CaptionPicks = Partial<Record<CaptionSlot, string>>;

/** The vocabulary's words of a template slot ('colour1' → the colours). */
export function slotWords(vocab: ToyVocabulary, slot: string): string[] {
  switch (slot.replace(/\d+$/, '')) {
    case 'colour':
      return Object.keys(vocab.colours);
    case 'shape':
      return [...vocab.shapes];
    case 'background':
      return Object.keys(vocab.backgrounds);
    case 'position':
      return Object.keys(vocab.positions ?? {});
    default:
      return [];
  }
}

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 'an' before a vowel sound ('an orange'), 'a' otherwise ('a yellow', 'a unicorn'); by spelling, with the usual exceptions. */
export function articleFor(word: string): 'a' | 'an' {
  const w = word.toLowerCase();
  if (/^(hour|honest|honou?r|heir)/.test(w)) return 'an';
  if (/^(uni|use|usu|eu|one|once|ur[aeio])/.test(w)) return 'a';
  return /^[aeiou]/.test(w) ? 'an' : 'a';
}

/** A caption with English articles for people to read ("a orange circle" → "an orange circle"). */
export function displayCaption(caption: string): string {
  return caption.replace(/\b(a|an) (?=([A-Za-z]+))/gi, (_m, art: string, next: string) => {
    const want = articleFor(next);
    return (art[0] === 'A' ? want[0].toUpperCase() + want.slice(1) : want) + ' ';
  });
}

/**
 * The prompt in the form the model was trained on: where its captions write "a {slot}" before a
 * vocabulary word ("a orange circle", scripts/toy-model/vocab.json), "an <word>" becomes "a <word>"
 * (its tokenizer has no whole-word "an" token: "an" would reach it as two pieces it never saw).
 */
export function toModelCaption(prompt: string, vocab: ToyVocabulary): string {
  const words = new Set<string>();
  for (const template of Object.values(vocab.captionTemplates)) {
    for (const m of (template ?? '').matchAll(/\ba \{(\w+)\}/g)) for (const w of slotWords(vocab, m[1])) words.add(w);
  }
  if (!words.size) return prompt;
  const re = new RegExp(`\\b(a)n (?=(${[...words].map(escape).join('|')})\\b)`, 'gi');
  return prompt.replace(re, '$1 ');
}

/** The word of each slot a prompt mentions (the first one, as a whole word, any case). */
export function captionPicks(prompt: string, vocab: ToyVocabulary): CaptionPicks {
  const picks: CaptionPicks = {};
  for (const slot of ['colour', 'shape', 'background', 'position'] as const) {
    let best: { word: string; at: number } | undefined;
    for (const word of slotWords(vocab, slot)) {
      const at = prompt.search(new RegExp(`\\b${escape(word)}\\b`, 'i'));
      if (at >= 0 && (!best || at < best.at)) best = { word, at };
    }
    if (best) picks[slot] = best.word;
  }
  return picks;
}

/** The caption of these picks in the model's own form (single object; `singleAt` with a position). */
export function modelCaption(vocab: ToyVocabulary, picks: Required<Omit<CaptionPicks, 'position'>> & { position?: string }): string {
  const template = picks.position && vocab.captionTemplates.singleAt ? vocab.captionTemplates.singleAt : vocab.captionTemplates.single;
  return fillCaption(template, { ...picks, position: picks.position ?? '' });
}

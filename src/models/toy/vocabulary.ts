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
  return ok && v2PartsOk(v) ? (v as ToyVocabulary) : null;
}

const isPair = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number');
const isRecord = (r: unknown): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r);

/** v2's parts, where present, in the form the reader and the helper use (a relation's places among the positions). */
function v2PartsOk(v: Partial<ToyVocabulary>): boolean {
  const { sizes, patterns, relations, positions, objectPhrase, sceneTemplates } = v as Record<string, unknown>;
  if (positions !== undefined && !(isRecord(positions) && Object.values(positions).every(isPair))) return false;
  if (sizes !== undefined && !(isRecord(sizes) && [sizes.single, sizes.pair].every((r) => isRecord(r) && Object.values(r).every(isPair)))) return false;
  if (patterns !== undefined && !(isRecord(patterns) && Object.values(patterns).every((p) => isRecord(p) && ['period', 'dark', 'shade'].every((k) => typeof p[k] === 'number')))) return false;
  const places = isRecord(positions) ? positions : {};
  if (relations !== undefined && !(isRecord(relations) && Object.values(relations).every((r) => isRecord(r) && typeof r.first === 'string' && typeof r.second === 'string' && r.first in places && r.second in places))) return false;
  if (sceneTemplates !== undefined && !(isRecord(sceneTemplates) && typeof sceneTemplates.single === 'string' && typeof objectPhrase === 'string')) return false;
  return true;
}

/** The vocabulary's captions were trained with English articles ("an orange circle", v2): its tokenizer has "an". */
export function usesArticles(vocab: Pick<ToyVocabulary, 'article'> | undefined): boolean {
  return typeof vocab?.article === 'string';
}

/** The training captions' article rule (scripts/toy-model/scenes.py fix_articles): "a" → "an" before a vowel. */
export function fixArticles(caption: string): string {
  return caption.replace(/\ba (?=[aeiou])/g, 'an ');
}

/**
 * Fills `{word}` slots of a caption template ("a {colour} {shape} on a {background} background");
 * unknown slots stay. With a vocabulary that uses articles (v2), the caption is what its training
 * wrote: empty slots dropped and "an" before a vowel ("an orange circle"); v1's keep "a orange".
 */
export function fillCaption(template: string, words: Readonly<Record<string, string>>, vocab?: Pick<ToyVocabulary, 'article'>): string {
  const filled = template.replace(/\{(\w+)\}/g, (m, k: string) => words[k] ?? m);
  return usesArticles(vocab) ? fixArticles(filled.split(/\s+/).filter(Boolean).join(' ')) : filled;
}

/** The slots the prompt helper picks a word for ('…2': the second object of a pair, v2). */
export type CaptionSlot = 'colour' | 'shape' | 'background' | 'position' | 'size' | 'pattern' | 'relation' | 'colour2' | 'shape2' | 'size2' | 'pattern2';
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
    case 'size':
      return Object.keys(vocab.sizes?.single ?? {}).filter(Boolean);
    case 'pattern':
      return Object.keys(vocab.patterns ?? {});
    case 'relation':
      return Object.keys(vocab.relations ?? {});
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
 * The prompt in the form the model was trained on, for the articles before its words. v1 wrote
 * "a {slot}" before every word ("a orange circle", scripts/toy-model/vocab.json): "an <word>"
 * becomes "a <word>" (its tokenizer has no whole-word "an" token: "an" would reach it as two pieces
 * it never saw). A vocabulary that uses articles (v2) wrote "an" before a vowel: "a orange" becomes
 * "an orange", "an red" "a red". Only articles before the vocabulary's own words change.
 */
export function toModelCaption(prompt: string, vocab: ToyVocabulary): string {
  const words = new Set<string>();
  for (const template of Object.values(vocab.captionTemplates)) {
    for (const m of (template ?? '').matchAll(/\ba \{(\w+)\}/g)) for (const w of slotWords(vocab, m[1])) words.add(w);
  }
  // v2: any word of the object phrase can follow its article (the slots before it may be empty)
  for (const m of (vocab.objectPhrase ?? '').matchAll(/\{(\w+)\}/g)) for (const w of slotWords(vocab, m[1])) words.add(w);
  if (!words.size) return prompt;
  const alternatives = [...words].map(escape).join('|');
  if (!usesArticles(vocab)) return prompt.replace(new RegExp(`\\b(a)n (?=(${alternatives})\\b)`, 'gi'), '$1 ');
  return prompt.replace(new RegExp(`\\b(an?) (?=(${alternatives})\\b)`, 'gi'), (_m, art: string, word: string) => {
    const want = /^[aeiou]/i.test(word) ? 'an' : 'a';
    return (art[0] === 'A' ? 'A' + want.slice(1) : want) + ' ';
  });
}

/** The first of a slot's words that `text` mentions (a whole word or phrase, any case), and where. */
function firstWord(text: string, vocab: ToyVocabulary, slot: string): { word: string; at: number } | undefined {
  let best: { word: string; at: number } | undefined;
  for (const word of slotWords(vocab, slot)) {
    const at = text.search(new RegExp(`\\b${escape(word)}\\b`, 'i'));
    if (at >= 0 && (!best || at < best.at)) best = { word, at };
  }
  return best;
}

/**
 * The word of each slot a prompt mentions (the first one, as a whole word, any case). With a
 * relation (v2: "… to the left of …"), the words before it are the first object's, those after it
 * the second's ('colour2', 'shape2', …) and the background's; a pair has no position.
 */
export function captionPicks(prompt: string, vocab: ToyVocabulary): CaptionPicks {
  const picks: CaptionPicks = {};
  const put = (slot: CaptionSlot, text: string, from: string = slot) => {
    const found = firstWord(text, vocab, from);
    if (found) picks[slot] = found.word;
  };
  const objectSlots = ['colour', 'shape', 'size', 'pattern'] as const;
  const relation = firstWord(prompt, vocab, 'relation');
  if (!relation) {
    for (const slot of [...objectSlots, 'background', 'position'] as const) put(slot, prompt);
    return picks;
  }
  const [before, after] = [prompt.slice(0, relation.at), prompt.slice(relation.at + relation.word.length)];
  for (const slot of objectSlots) {
    put(slot, before);
    put(`${slot}2`, after, slot);
  }
  put('background', after);
  picks.relation = relation.word;
  return picks;
}

/** The caption of these picks in the model's own form (single object; `singleAt` with a position; v2: a pair with a relation). */
export function modelCaption(vocab: ToyVocabulary, picks: Required<Pick<CaptionPicks, 'colour' | 'shape' | 'background'>> & CaptionPicks): string {
  const forms = vocab.sceneTemplates;
  if (forms && vocab.objectPhrase) {
    const kind = picks.relation && forms.pair ? 'pair' : picks.position && forms.singleAt ? 'singleAt' : 'single';
    const template = sceneForms(vocab).find((f) => f.kind === kind)!.template;
    const object = (n: string, k: '' | '2') => ({ [`colour${n}`]: picks[`colour${k}`] ?? picks.colour, [`shape${n}`]: picks[`shape${k}`] ?? picks.shape, [`size${n}`]: picks[`size${k}`] ?? '', [`pattern${n}`]: picks[`pattern${k}`] ?? '' });
    return fillCaption(template, { ...object('', ''), ...object('1', ''), ...object('2', '2'), background: picks.background, position: picks.position ?? '', relation: picks.relation ?? '' }, vocab);
  }
  const template = picks.position && vocab.captionTemplates.singleAt ? vocab.captionTemplates.singleAt : vocab.captionTemplates.single;
  return fillCaption(template, { colour: picks.colour, shape: picks.shape, background: picks.background, position: picks.position ?? '' });
}

export type CaptionKind = 'single' | 'singleAt' | 'pair';

/**
 * The vocabulary's caption forms with every slot a word: v2's scene templates with its object
 * phrase put in ({object1} → "a {size1} {pattern1} {colour1} {shape1}"), else v1's caption templates.
 */
export function sceneForms(vocab: ToyVocabulary): { kind: CaptionKind; template: string }[] {
  const phrase = vocab.objectPhrase;
  const forms = vocab.sceneTemplates && phrase ? vocab.sceneTemplates : vocab.captionTemplates;
  const object = (n: string) => (phrase ?? '').replace(/\{(\w+)\}/g, `{$1${n}}`);
  return (['pair', 'singleAt', 'single'] as const)
    .filter((kind) => typeof forms[kind] === 'string')
    .map((kind) => ({ kind, template: forms[kind]!.replace('{object}', object('')).replace('{object1}', object('1')).replace('{object2}', object('2')) }));
}

export interface CaptionObject {
  colour: string;
  shape: string;
  /** '' = no size word */
  size: string;
  /** '' = plain */
  pattern: string;
}

export type ParsedCaption =
  | { kind: 'single' | 'singleAt'; background: string; object: CaptionObject; /** '' = none */ position: string }
  | { kind: 'pair'; background: string; objects: readonly [CaptionObject, CaptionObject]; /** '' = v1's pair (first on the left) */ relation: string };

/** Slots a caption may leave out (v2's object phrase: "a {size} {pattern} {colour} {shape}"). */
const OPTIONAL_SLOTS = new Set(['size', 'pattern']);

/** A caption form as a regular expression: each slot a named group of its words, "a" either article. */
function formPattern(template: string, vocab: ToyVocabulary): RegExp {
  const tokens = template.split(/\s+/).filter(Boolean);
  let source = '';
  tokens.forEach((token, i) => {
    const slot = /^\{(\w+)\}$/.exec(token)?.[1];
    const sep = i < tokens.length - 1 ? ' ' : '';
    if (!slot) {
      source += (token === 'a' ? 'an?' : escape(token)) + sep;
      return;
    }
    const words = slotWords(vocab, slot).sort((x, y) => y.length - x.length);
    const group = `(?<${slot}>${words.map(escape).join('|')})`;
    source += OPTIONAL_SLOTS.has(slot.replace(/\d+$/, '')) ? `(?:${group}${sep})?` : group + sep;
  });
  return new RegExp(`^${source}$`, 'i');
}

/** What one of the vocabulary's captions asks for (any case, any spacing, either article), or null if it is none of them. */
export function parseCaption(caption: string, vocab: ToyVocabulary): ParsedCaption | null {
  const text = caption.trim().replace(/\s+/g, ' ');
  for (const { kind, template } of sceneForms(vocab)) {
    const g = formPattern(template, vocab).exec(text)?.groups;
    if (!g) continue;
    const word = (slot: string) => (g[slot] ?? '').toLowerCase();
    const object = (n: string): CaptionObject => ({ colour: word(`colour${n}`), shape: word(`shape${n}`), size: word(`size${n}`), pattern: word(`pattern${n}`) });
    const background = word('background');
    if (kind === 'pair') return { kind, background, objects: [object('1'), object('2')], relation: word('relation') };
    return { kind, background, object: object(''), position: word('position') };
  }
  return null;
}

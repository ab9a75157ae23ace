// The toy model's vocabulary file (public/models/toy/slothful_toy.json, written from
// scripts/toy-model/vocab.json): the words it was trained on, their palettes and the caption forms
// it learnt. One place for its type, its parsing and filling a caption, used by the prompt helper
// (src/ui/PromptHelper.tsx), the accuracy check (toy-check.ts) and the image reader (scene-check.ts).

export type Rgb = readonly [number, number, number];

export interface ToyVocabulary {
  shapes: readonly string[];
  colours: Readonly<Record<string, Rgb>>;
  backgrounds: Readonly<Record<string, Rgb>>;
  /** named object centres (pixels); only captions with `singleAt` use them */
  positions?: Readonly<Record<string, unknown>>;
  captionTemplates: { single: string; singleAt?: string; pair?: string };
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

// Judges a reading of a two-object toy image (scene-check.ts readObjects) against what its caption
// asked (toy model v2, issue 22): which object is which, the relation between their centroids as
// v2/vocab.json anchors a relation's objects, their size words and stripes.
import type { ObjectReading, ObjectsReading } from './scene-check.ts';
import type { Pair, ToyVocabulary } from './vocabulary.ts';

/** A vocabulary that cannot answer the question asked of it (no relations, a relation's position missing). */
export class SceneCheckError extends Error {
  override name = 'SceneCheckError';
}

export type RelationVocabulary = Pick<ToyVocabulary, 'relations' | 'positions'>;

/**
 * How `a` stands to `b` (centroids): the relation whose anchors' direction (its first object's
 * position − its second's, v2/vocab.json: "to the left of" = left − right) is nearest in angle to a − b.
 */
export function relationOf(a: Pair, b: Pair, vocab: RelationVocabulary): string {
  const relations = Object.entries(vocab.relations ?? {});
  if (!relations.length) throw new SceneCheckError('This vocabulary has no relations (a v1 toy model?): pairs cannot be judged.');
  const [dx, dy] = [a[0] - b[0], a[1] - b[1]];
  let [best, bestCos] = ['', -Infinity];
  for (const [word, r] of relations) {
    const [p1, p2] = [vocab.positions?.[r.first], vocab.positions?.[r.second]];
    if (!p1 || !p2) throw new SceneCheckError(`Relation "${word}": position "${p1 ? r.second : r.first}" is not in the vocabulary's positions.`);
    const [ux, uy] = [p1[0] - p2[0], p1[1] - p2[1]];
    const cos = (dx * ux + dy * uy) / (Math.hypot(ux, uy) * Math.hypot(dx, dy) || 1);
    if (cos > bestCos) [best, bestCos] = [word, cos];
  }
  return best;
}

/** The size word whose side range [lo, hi] is nearest `side` (vocabulary `sizes.single` or `.pair`; '' = any size is never read). */
export function sizeWordOf(side: number, ranges: Readonly<Record<string, Pair>>): string {
  let [best, bestD] = ['', Infinity];
  for (const [word, [lo, hi]] of Object.entries(ranges)) {
    const d = side < lo ? lo - side : side > hi ? side - hi : 0;
    if (word && d < bestD) [best, bestD] = [word, d];
  }
  return best;
}

export interface ObjectExpected {
  colour: string;
  shape: string;
  /** a size word; '' or absent: any size */
  size?: string;
  /** a pattern; '' or absent: plain */
  pattern?: string;
}

export interface PairExpected {
  background: string;
  /** the caption's first and second object: "{first} {relation} {second}" */
  objects: readonly [ObjectExpected, ObjectExpected];
  relation: string;
}

export interface PairJudgement {
  background: boolean;
  /** two objects found */
  bothPresent: boolean;
  /** both found, each of its asked colour */
  colours: boolean;
  shapes: boolean;
  sizes: boolean;
  patterns: boolean;
  /** both found in their asked colours (`colours`), and the first stands to the second as asked: a relation between other objects is no answer to the caption */
  relation: boolean;
}

export type PairVocabulary = RelationVocabulary & Pick<ToyVocabulary, 'sizes'>;

/** Which of an object's words a reading matches (sizes by `ranges`; no size word or pattern asked: any). */
export function judgeObject(e: ObjectExpected, r: ObjectReading, ranges: Readonly<Record<string, Pair>> | undefined): { colour: boolean; shape: boolean; size: boolean; pattern: boolean } {
  if (e.size && !ranges) throw new SceneCheckError(`Size "${e.size}" asked, but this vocabulary has no sizes.`);
  return { colour: r.colour === e.colour, shape: r.shape === e.shape, size: !e.size || sizeWordOf(r.side, ranges!) === e.size, pattern: r.pattern === (e.pattern ?? '') };
}

/**
 * A two-object image against its caption. The two objects read are matched to the caption's two in
 * the order that agrees on more words (colour counts most, then shape, then size and pattern); where
 * both orders agree equally the objects are alike as far as the reading goes (e.g. "a red circle to
 * the left of a red circle"), and the order that makes the relation right is taken.
 */
export function judgePair(expected: PairExpected, read: ObjectsReading, vocab: PairVocabulary): PairJudgement {
  const background = read.background === expected.background;
  if (read.objects.length < 2) return { background, bothPresent: false, colours: false, shapes: false, sizes: false, patterns: false, relation: false };
  const ranges = vocab.sizes?.pair;
  const orders = [[0, 1], [1, 0]].map(([i, j]) => {
    const [a, b] = [read.objects[i], read.objects[j]];
    const m = [judgeObject(expected.objects[0], a, ranges), judgeObject(expected.objects[1], b, ranges)];
    const score = m.reduce((s, o) => s + 4 * +o.colour + 2 * +o.shape + +o.size + +o.pattern, 0);
    const relation = relationOf(a.centroid, b.centroid, vocab) === expected.relation;
    return { m, score, relation };
  });
  const [o1, o2] = orders;
  const best = o2.score > o1.score || (o2.score === o1.score && o2.relation && !o1.relation) ? o2 : o1;
  const both = (k: 'colour' | 'shape' | 'size' | 'pattern') => best.m[0][k] && best.m[1][k];
  return { background, bothPresent: true, colours: both('colour'), shapes: both('shape'), sizes: both('size'), patterns: both('pattern'), relation: both('colour') && best.relation };
}

export type PairAccuracy = { n: number } & Record<keyof PairJudgement, number>;

/** Fractions of pair judgements that hold. */
export function pairAccuracy(judgements: readonly PairJudgement[]): PairAccuracy {
  const frac = (k: keyof PairJudgement) => judgements.filter((j) => j[k]).length / Math.max(1, judgements.length);
  return { n: judgements.length, background: frac('background'), bothPresent: frac('bothPresent'), colours: frac('colours'), shapes: frac('shapes'), sizes: frac('sizes'), patterns: frac('patterns'), relation: frac('relation') };
}

// The scene reader on real toy model v2 output: 35 samples of the step-3,750 checkpoint (24 pair
// scenes, 11 single objects; scripts/toy-model/dump_samples.py), soft-edged and imperfect as a
// model draws. The labels below are what a person sees in each image (looked at enlarged), not
// what the caption asked for: the reader must see the same, and on pairs agree with evaluate.py's
// torch gauge (both colours right; relation right) image by image.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readObjects, rgbStackImage } from './scene-check.ts';
import { scoreToyResults } from './toy-check.ts';
import { parseCaption, type ToyVocabulary } from './vocabulary.ts';
import { judgePair } from './scene-judge.ts';

const dir = new URL('./__fixtures__/', import.meta.url);
const vocab = JSON.parse(readFileSync(new URL('../../../scripts/toy-model/v2/vocab.json', import.meta.url), 'utf8')) as ToyVocabulary;
const meta = JSON.parse(readFileSync(new URL('samples-v2.json', dir), 'utf8')) as { size: number; captions: string[]; pairGauge: { both_colours: boolean; relation: boolean }[] };
const rgb = gunzipSync(readFileSync(new URL('samples-v2.u8.gz', dir)));
const image = (k: number) => rgbStackImage(rgb, meta.size, k);

// [background, ...objects as "place pattern colour shape"] ('-' plain; shape '?': no clear shape)
const SEEN: string[][] = [
  ['black', 'left - green circle', 'right - green triangle'],
  ['white', 'left striped green circle', 'right striped green square'],
  ['gray', 'left striped green ?', 'right striped purple triangle'],
  ['black', 'top striped green circle', 'bottom - yellow circle'],
  ['black', 'left striped blue circle', 'right striped red square'],
  ['white', 'top - green circle', 'bottom - green circle'],
  ['black', 'top striped purple triangle', 'bottom striped purple triangle'],
  ['black', 'top striped blue circle', 'bottom striped red circle'],
  ['black', 'top - purple triangle', 'bottom - green square'],
  ['black', 'left - purple circle', 'right - purple triangle'],
  ['white', 'left striped orange square', 'right striped red circle'],
  ['white', 'left - orange square', 'right striped yellow square'],
  ['white', 'top striped blue triangle', 'bottom - red triangle'],
  ['black', 'left - red square', 'right - red circle'], // the square's corners are rounded
  ['gray', 'top striped green square', 'bottom striped green triangle'],
  ['black', 'left - purple triangle', 'right - purple triangle'],
  ['white', 'top - purple triangle', 'bottom - orange triangle'],
  ['gray', 'left - red circle', 'right - red square'], // a small square with rounded corners
  ['black', 'top - blue triangle', 'bottom - orange triangle'],
  ['black', 'top striped purple triangle', 'bottom - green triangle'],
  ['white', 'top - orange circle', 'bottom - orange triangle'],
  ['white', 'top striped blue square', 'bottom striped orange circle'],
  ['gray', 'left striped red circle', 'right - red triangle'],
  ['black', 'left striped green triangle', 'right - purple square'],
  ['white', 'center - red circle'],
  ['white', 'center - green triangle'],
  ['white', 'center - yellow square'],
  ['white', 'center - orange circle'],
  ['black', 'center - red triangle'],
  ['black', 'center - blue square'],
  ['black', 'center - purple circle'],
  ['black', 'center - orange triangle'],
  ['gray', 'center - green square'],
  ['gray', 'center - yellow circle'],
  ['gray', 'center - purple triangle'],
];

describe('readObjects on toy model v2 samples (step 3,750)', () => {
  it('has 35 samples, 24 of them pairs with the torch gauge', () => {
    expect(meta.captions).toHaveLength(35);
    expect(SEEN).toHaveLength(35);
    expect(meta.pairGauge).toHaveLength(24);
  });

  it('sees what a person sees, but for two squares with rounded corners it takes for circles', () => {
    const wrong: string[] = [];
    for (const [k, [background, ...objects]] of SEEN.entries()) {
      const read = readObjects(image(k), vocab, 3);
      if (read.background !== background || read.objects.length !== objects.length) {
        wrong.push(`${k}: ${read.background}, ${read.objects.length} objects`);
        continue;
      }
      for (const seen of objects) {
        const [place, pattern, colour, shape] = seen.split(' ');
        const [px, py] = vocab.positions![place];
        const o = read.objects.reduce((a, b) => (Math.hypot(a.centroid[0] - px, a.centroid[1] - py) <= Math.hypot(b.centroid[0] - px, b.centroid[1] - py) ? a : b));
        const got = `${o.pattern || '-'} ${o.colour} ${shape === '?' ? '?' : o.shape}`;
        if (got !== `${pattern} ${colour} ${shape}`) wrong.push(`${k} ${place}: ${pattern} ${colour} ${shape} read as ${got}`);
      }
    }
    expect(wrong).toEqual(['13 left: - red square read as - red circle', '17 right: - red square read as - red circle']);
  });

  // The gauge reads each half of the image as one object and calls the relation right when each
  // half has its object's colour; shapes do not count. Where both objects have one colour that
  // cannot tell them apart, and the reader (which matches them by shape too) differs — rightly in
  // 1, 20 and 22 (the shapes stand the other way round), wrongly in 17 (its rounded square read as
  // a circle, the "small" circle is then taken for the right one).
  it('agrees with evaluate.py’s torch gauge on every pair’s colours, and on the relation of every pair the colours tell apart', () => {
    const pairs = meta.captions.slice(0, 24).map((caption, k) => {
      const asked = parseCaption(caption, vocab);
      if (asked?.kind !== 'pair') throw new Error(`sample ${k} is not a pair caption: ${caption}`);
      const j = judgePair({ background: asked.background, objects: asked.objects, relation: asked.relation }, readObjects(image(k), vocab), vocab);
      return { k, oneColour: asked.objects[0].colour === asked.objects[1].colour, colours: j.colours, relation: j.relation };
    });
    expect(pairs.map((p) => p.colours)).toEqual(meta.pairGauge.map((g) => g.both_colours));
    const differ = pairs.filter((p) => p.relation !== meta.pairGauge[p.k].relation);
    expect(differ.filter((p) => !p.oneColour)).toEqual([]);
    expect(differ.map((p) => [p.k, p.relation])).toEqual([[1, false], [17, false], [20, false], [22, false]]);
    const score = scoreToyResults(meta.captions.map((caption, k) => ({ caption, image: image(k) })), vocab);
    expect([score.single, score.pair.colours, score.pair.relation]).toEqual([{ n: 11, background: 1, colour: 1, shape: 1 }, 18 / 24, 5 / 24]);
  });
});

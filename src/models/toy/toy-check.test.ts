// The stored accuracy check of the trained toy model (scripts/toy-model/check.ts wrote
// scripts/toy-model/check/): the stored images are re-read here and must score what the check
// recorded and meet issue #11's bar with the app's default settings; two of them are generated
// again through the pipeline (CPU backend) and must equal the stored pixels.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFetch, modelBase } from '../../cli/file-fetch.ts';
import { loadSdPipeline } from '../../pipeline/load-pipeline.ts';
import { createCpuSdModel } from '../../pipeline/testing/cpu-backend.ts';
import { EMBEDDED_DEFAULTS } from '../../params/model-defaults.ts';
import { accuracy, readScene, rgbStackImage, type Accuracy, type RgbaLike } from './scene-check.ts';
import { generateToyCase, type ToyCheckEntry, type ToyCheckSettings } from './toy-check.ts';
import type { ToyVocabulary } from './vocabulary.ts';

const MODEL = 'public/models/toy';
const CHECK = 'scripts/toy-model/check';
const vocab = JSON.parse(readFileSync(`${MODEL}/slothful_toy.json`, 'utf8')) as ToyVocabulary;

interface Stored {
  settings: ToyCheckSettings;
  accuracy: Accuracy;
  entries: ToyCheckEntry[];
}

function load(label: string): { stored: Stored; image: (k: number) => RgbaLike } {
  const stored = JSON.parse(readFileSync(`${CHECK}/${label}.json`, 'utf8')) as Stored;
  const rgb = gunzipSync(readFileSync(`${CHECK}/${label}.rgb.gz`));
  const image = (k: number): RgbaLike => rgbStackImage(rgb, stored.settings.size, k);
  return { stored, image };
}

describe('toy model: stored accuracy check', () => {
  it('has the check outputs for SA off and default SA', () => {
    for (const label of ['off', 'default']) expect(existsSync(`${CHECK}/${label}.json`), `${label}.json`).toBe(true);
  });

  for (const label of ['off', 'default']) {
    it(`${label}: every stored image reads as recorded, over all 54 single-object prompts × its seeds`, () => {
      const { stored, image } = load(label);
      expect(stored.settings.seeds).toHaveLength(2);
      expect(stored.entries).toHaveLength(54 * 2);
      const reread = stored.entries.map((e, k) => ({ expected: e.expected, read: readScene(image(k), vocab) }));
      expect(reread.map((r) => r.read)).toEqual(stored.entries.map((e) => e.read));
      expect(accuracy(reread)).toEqual(stored.accuracy);
    });
  }

  // Issue #11's bar: background ≥ 95%, colour ≥ 95%, shape ≥ 80%, here with SA off and with the
  // default SA, at the settings the app uses for the toy model (its registry defaults).
  for (const label of ['off', 'default']) {
    it(`${label}: meets the bar (background ≥ 95%, colour ≥ 95%, shape ≥ 80%) at the app's defaults for the toy model`, () => {
      const { settings, accuracy: a } = load(label).stored;
      const d = EMBEDDED_DEFAULTS;
      expect({ scheduler: settings.scheduler, steps: settings.steps, guidance: settings.guidance, size: settings.size }).toEqual({ scheduler: d.scheduler, steps: d.steps, guidance: d.guidance, size: d.width });
      expect(a.background).toBeGreaterThanOrEqual(0.95);
      expect(a.colour).toBeGreaterThanOrEqual(0.95);
      expect(a.shape).toBeGreaterThanOrEqual(0.8);
    });
  }

  describe('the stored images are the pipeline’s', () => {
    // as check.ts runs them: SA off on the unsplit U-Net, SA on through segments + reference sites
    // one model: the unsplit U-Net for SA off, its `.split` view (the same sessions) for SA on
    let unsplit: Awaited<ReturnType<typeof createCpuSdModel>>;
    beforeAll(async () => {
      unsplit = await createCpuSdModel(await loadSdPipeline(modelBase(MODEL), { fetchImpl: fileFetch() }), { unsplit: true });
    });
    afterAll(async () => {
      await unsplit?.release();
    });

    for (const [label, k] of [['off', 0], ['default', 53]] as const) {
      it(`${label}, case ${k}: generating it again gives the stored pixels (±2)`, async () => {
        const { stored, image } = load(label);
        const model = label === 'off' ? unsplit : unsplit.split;
        const img = await generateToyCase(model, stored.entries[k], stored.settings);
        const want = image(k).data;
        let worst = 0;
        for (let i = 0; i < img.data.length; i++) if ((i & 3) !== 3) worst = Math.max(worst, Math.abs(img.data[i] - want[i]));
        expect(worst).toBeLessThanOrEqual(2);
      }, 120_000);
    }
  });
});

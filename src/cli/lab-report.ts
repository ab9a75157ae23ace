// The SA lab's report.json: settings, the variants (each one's full SA parameters), every run with
// its metrics, the observation table judged from them, and the self-checks. Pure.
import type { SaParams } from '../sa/index.ts';
import { OBSERVATIONS, type LabVariant } from './lab-plan.ts';
import { evaluateObservations, type GapOf, type LabRunRecord, type ObservationResult, type SceneSummary } from './lab-measure.ts';

export interface LabSettings {
  width: number;
  height: number;
  steps: number;
  scheduler: string;
  guidance: number;
  seeds: number[];
  prompts: string[];
  img2imgDenoise: number;
  quick: boolean;
}

export interface LabRun extends LabRunRecord {
  img2img: boolean;
  sa: SaParams;
  /** the variant whose image this run reused (same settings), when it was not rendered itself */
  sameAs?: string;
  scene?: SceneSummary;
}

export interface LabReport {
  kind: 'slothful-sa-lab';
  version: 1;
  model: string;
  settings: LabSettings;
  variants: { id: string; label: string; img2img: boolean; sa: SaParams }[];
  runs: LabRun[];
  observations: ObservationResult[];
  checks: {
    /** SA off rendered twice with the same seed gave identical images (SSIM 1) for every prompt and seed */
    offRepeatIdentical: boolean;
  };
  /** the prompt and seed of the images shown in report.html */
  images: { prompt: string; seed: number };
}

export function buildLabReport(model: string, settings: LabSettings, variants: readonly LabVariant[], runs: readonly LabRun[], gap: GapOf): LabReport {
  const repeats = runs.filter((r) => r.variant === 'off-repeat');
  return {
    kind: 'slothful-sa-lab',
    version: 1,
    model,
    settings,
    variants: variants.map((v) => ({ id: v.id, label: v.label, img2img: v.img2img, sa: v.sa })),
    runs: [...runs],
    observations: evaluateObservations(OBSERVATIONS, runs, gap),
    checks: { offRepeatIdentical: repeats.length > 0 && repeats.every((r) => r.metrics.ssim === 1 && r.metrics.psnr === null) },
    images: { prompt: settings.prompts[0], seed: settings.seeds[0] },
  };
}

// What the run bar says: the visible progress label, and the text of its live region
// (role="status", aria-live="polite") for screen readers — the running job and its stage with
// progress in quarters, so a reader hears a few updates per stage rather than one per step, then
// how the job ended ("Done…", "Cancelled.", "Stopped with an error…"). Pure, unit-tested.
import type { Progress } from '../pipeline/engine.ts';
import type { JobKind, RunState } from '../state/run-slice.ts';

export const STAGE_LABELS: Record<Progress['stage'], string> = {
  load: 'Loading model',
  text: 'Text encoder',
  unet: 'Denoising',
  sa: 'SlothfulAttention',
  vae: 'VAE decoder',
  hires: 'Second pass',
};

const JOB_RUNNING: Record<JobKind, string> = {
  load: 'Loading the model',
  generate: 'Generating',
  compare: 'Comparing SA off and on',
  sweep: 'Running the sweep',
};

const JOB_DONE: Record<JobKind, string> = {
  load: 'Done: the model is loaded.',
  generate: 'Done: the image is ready.',
  compare: 'Done: the comparison is ready.',
  sweep: 'Done: the sweep is ready.',
};

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** The progress bar's label, e.g. "Denoising · step 3/20 · 1.2 s". */
export function progressText(p: Progress): string {
  if (p.stage === 'load' && p.bytes) return `${STAGE_LABELS.load}: ${p.file ?? ''} ${mib(p.loaded ?? 0)} / ${mib(p.bytes)}`;
  return `${STAGE_LABELS[p.stage]} · step ${p.step}/${p.total} · ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

/** 0..1 through the current stage (bytes while downloading, else steps). */
export function progressFraction(p: Progress): number {
  if (p.stage === 'load' && p.bytes) return (p.loaded ?? 0) / p.bytes;
  return p.total ? p.step / p.total : 0;
}

/** The sweep's cells made so far, while a sweep runs. */
export interface SweepCount {
  done: number;
  total: number;
}

/**
 * The live region's text. `lastJob`: the kind of the job that ran last (the run state forgets it
 * when the job ends), so the end can say what is done.
 */
export function runStatusText(run: Pick<RunState, 'job' | 'cancelling' | 'progress' | 'outcome'>, lastJob: JobKind | null, sweep?: SweepCount): string {
  if (run.job) {
    if (run.cancelling) return 'Cancelling…';
    const head = run.job === 'sweep' && sweep ? `${JOB_RUNNING.sweep} (${sweep.done} of ${sweep.total} images made)` : JOB_RUNNING[run.job];
    if (!run.progress) return `${head}…`;
    const quarter = Math.min(100, Math.floor(Math.min(1, Math.max(0, progressFraction(run.progress))) * 4) * 25);
    return `${head}: ${STAGE_LABELS[run.progress.stage]}, ${quarter}% done`;
  }
  switch (run.outcome) {
    case 'done':
      return lastJob ? JOB_DONE[lastJob] : 'Done.';
    case 'cancelled':
      return 'Cancelled.';
    case 'error':
      return 'Stopped with an error (see the message below).';
    default:
      return '';
  }
}

// The run bar's live-region text: progress in quarters while a job runs (not one update per step),
// and what ended how once it is over.
import { describe, expect, it } from 'vitest';
import type { Progress } from '../pipeline/engine.ts';
import { progressText, runStatusText } from './run-status.ts';

const idle = { job: null, cancelling: false, progress: null, outcome: null } as const;
const unet = (step: number, total = 20): Progress => ({ stage: 'unet', step, total, elapsedMs: 1234 });

describe('runStatusText', () => {
  it('says nothing before the first job', () => {
    expect(runStatusText(idle, null)).toBe('');
  });

  it('names the job while it starts', () => {
    expect(runStatusText({ ...idle, job: 'generate' }, 'generate')).toBe('Generating…');
  });

  it.each([
    { step: 0, text: 'Generating: Denoising, 0% done' },
    { step: 4, text: 'Generating: Denoising, 0% done' },
    { step: 5, text: 'Generating: Denoising, 25% done' },
    { step: 14, text: 'Generating: Denoising, 50% done' },
    { step: 20, text: 'Generating: Denoising, 100% done' },
  ])('step $step of 20 reads "$text" (quarters: a few updates per stage)', ({ step, text }) => {
    expect(runStatusText({ ...idle, job: 'generate', progress: unet(step) }, 'generate')).toBe(text);
  });

  it('counts downloaded bytes while loading', () => {
    const p: Progress = { stage: 'load', step: 0, total: 0, elapsedMs: 0, file: 'unet/model.onnx', loaded: 3, bytes: 4 };
    expect(runStatusText({ ...idle, job: 'load', progress: p }, 'load')).toBe('Loading the model: Loading model, 75% done');
  });

  it('counts the sweep images made', () => {
    expect(runStatusText({ ...idle, job: 'sweep', progress: unet(10) }, 'sweep', { done: 2, total: 4 })).toBe('Running the sweep (2 of 4 images made): Denoising, 50% done');
  });

  it('says when cancelling', () => {
    expect(runStatusText({ ...idle, job: 'compare', cancelling: true, progress: unet(3) }, 'compare')).toBe('Cancelling…');
  });

  it.each([
    { lastJob: 'generate', text: 'Done: the image is ready.' },
    { lastJob: 'compare', text: 'Done: the comparison is ready.' },
    { lastJob: 'sweep', text: 'Done: the sweep is ready.' },
    { lastJob: 'load', text: 'Done: the model is loaded.' },
  ] as const)('after a $lastJob: "$text"', ({ lastJob, text }) => {
    expect(runStatusText({ ...idle, outcome: 'done' }, lastJob)).toBe(text);
  });

  it('says cancelled and error', () => {
    expect(runStatusText({ ...idle, outcome: 'cancelled' }, 'generate')).toBe('Cancelled.');
    expect(runStatusText({ ...idle, outcome: 'error' }, 'generate')).toBe('Stopped with an error (see the message below).');
  });
});

describe('progressText', () => {
  it('shows stage, step and seconds', () => {
    expect(progressText(unet(3))).toBe('Denoising · step 3/20 · 1.2 s');
  });
});

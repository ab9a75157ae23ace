// Generate / Cancel, the step progress bar, and why Generate is unavailable. Ctrl/Cmd+Enter
// generates (App listens for it); the run slice refuses a second job while one runs. A polite live
// region tells screen readers the progress and how the job ended (run-status.ts).
import { useState } from 'react';
import type { JobKind } from '../state/run-slice.ts';
import { runBlocker } from '../state/model-choice.ts';
import { useApp } from '../state/store.ts';
import { Check, ProgressBar } from './controls.tsx';
import { progressFraction, progressText, runStatusText } from './run-status.ts';

/** Plain headings for the errors the engine and the run slice raise (else the error's name). */
const ERROR_TITLES: Record<string, string> = {
  ModelLoadError: 'Could not load the model',
  UnetStructureError: 'Not a Stable Diffusion U-Net',
  ModelFormatError: 'Could not read the model file',
  WebGPUUnavailableError: 'WebGPU is not available',
  EngineUnavailableError: 'The engine is not available',
  EngineNotLoadedError: 'No model is loaded',
  EngineBusyError: 'The engine is busy',
  DeviceLostError: 'The GPU was reset',
  RunRequestError: 'Cannot generate',
  ModelRefused: 'This model cannot run here',
  SizeRefused: 'This size cannot be used',
  Error: 'Something went wrong',
};

const SHOW_STEPS_TOOLTIP =
  'While an image is made, show a small preview at each step, replaced by the final image. The preview is a quick estimate from the latents: soft, and its colours are only roughly right.';

export function RunBar() {
  const run = useApp((s) => s.run);
  // a string, so the selector's result is stable between renders
  const blocker = useApp((s) => {
    const b = runBlocker(s);
    return b ? `${b.message} ${b.hint ?? ''}`.trim() : '';
  });
  const generate = useApp((s) => s.generate);
  const cancel = useApp((s) => s.cancel);
  const dismiss = useApp((s) => s.dismissRunError);
  const sweep = useApp((s) => s.sweep);
  const showSteps = useApp((s) => s.showSteps);
  const setShowSteps = useApp((s) => s.setShowSteps);
  const busy = run.job !== null;
  // the run state forgets the job when it ends; the live region says which one is done
  const [lastJob, setLastJob] = useState<JobKind | null>(null);
  if (run.job && run.job !== lastJob) setLastJob(run.job);
  const status = runStatusText(run, lastJob, run.job === 'sweep' ? { done: sweep.done, total: sweep.cells.length } : undefined);
  const jobLabel = run.job === 'sweep' ? `Sweep ${sweep.done}/${sweep.cells.length} · ` : run.job === 'compare' ? 'Comparison · ' : '';
  return (
    <div className="run-bar" data-testid="run-bar" data-job={run.job ?? 'idle'}>
      <div className="run-buttons">
        <button type="button" className="primary" data-testid="generate" disabled={busy || Boolean(blocker)} onClick={() => void generate()} title="Ctrl/Cmd + Enter">
          {run.job === 'generate' ? 'Generating…' : 'Generate'}
        </button>
        <button type="button" data-testid="cancel" disabled={!busy || run.cancelling} onClick={cancel}>
          {run.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
        <span className="muted kbd-hint">Ctrl/⌘ + Enter</span>
        <Check label="Show steps" tooltip={SHOW_STEPS_TOOLTIP} checked={showSteps} onChange={setShowSteps} testId="show-steps" />
      </div>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="run-status">
        {status}
      </p>
      {busy && <ProgressBar value={run.progress ? progressFraction(run.progress) : 0} label={jobLabel + (run.progress ? progressText(run.progress) : 'Starting…')} testId="step-progress" />}
      {!busy && blocker && (
        <p className="notice warn" data-testid="run-blocker">
          {blocker}
        </p>
      )}
      {!busy && run.outcome === 'cancelled' && <p className="muted" data-testid="run-cancelled">Cancelled.</p>}
      {run.error && (
        <div className="notice error" role="alert" data-testid="run-error">
          <strong>{ERROR_TITLES[run.error.name] ?? run.error.name}</strong>
          {run.error.kind ? ` (${run.error.kind})` : ''}: {run.error.message}
          {run.error.hint && <div className="hint">{run.error.hint}</div>}
          <button type="button" className="small" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}

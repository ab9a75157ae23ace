// The image viewer: the selected (or newest) image, its settings, per-stage timings, and what
// can be done with it: download as PNG with parameters, use as the init image, restore settings.
// While a generation runs with Show steps on, its newest step preview stands in for the image.
import { SCHEDULER_LABELS } from '../params/gen-params.ts';
import { shownResult } from '../state/history-slice.ts';
import type { RunResult, StepPreview } from '../state/run-slice.ts';
import { useApp } from '../state/store.ts';
import { ImageCanvas } from './ImageCanvas.tsx';
import { downloadResult } from './image-io.ts';

export function resultCaption(r: RunResult): string {
  const g = r.params.gen;
  return `${r.image.width}×${r.image.height} · seed ${r.seed} · ${g.steps} steps ${SCHEDULER_LABELS[g.scheduler]} · CFG ${g.guidance} · SA ${r.params.sa.enabled ? 'on' : 'off'}${r.img2img ? ' · img2img' : ''} · ${(r.timings.total / 1000).toFixed(2)} s`;
}

/** Width of the shown image: the column, at most 512 px, and short enough to fit the window. */
const fitWidth = (w: number, h: number) => `min(100%, 512px, calc(62vh * ${w / h}))`;

/**
 * A step preview: latent-sized (one pixel per 8×8 of the image), scaled up smoothly by the browser
 * (a soft picture reads as "still forming"; blocky pixels would suggest detail that is not there).
 */
function StepPreviewView({ preview }: { preview: StepPreview }) {
  const { image, step, total } = preview;
  return (
    <div className="image-view" data-testid="step-preview-view">
      <ImageCanvas image={image} label={`Preview of step ${step} of ${total}`} className="main-image" testId="step-preview" style={{ width: fitWidth(image.width, image.height) }} />
      <p className="caption" data-testid="step-preview-caption">
        Step {step}/{total} · quick preview (approximate colours, from the latents)
      </p>
    </div>
  );
}

export function ImageView() {
  const history = useApp((s) => s.history);
  const preview = useApp((s) => s.stepPreview);
  const busy = useApp((s) => s.run.job !== null);
  const setInitImage = useApp((s) => s.setInitImage);
  const restoreResult = useApp((s) => s.restoreResult);
  const status = useApp((s) => (s.flash?.place === 'image' ? s.flash.text : ''));
  const showFlash = useApp((s) => s.showFlash);
  const r = shownResult(history);
  if (preview) return <StepPreviewView preview={preview} />;
  if (!r) {
    return (
      <div className="empty-view" data-testid="image-empty">
        <p>No image yet. Pick a model, write a prompt and press Generate (Ctrl/⌘ + Enter).</p>
        <p className="muted">Drop a PNG made by Slothful (or A1111) anywhere on the page to restore its settings.</p>
      </div>
    );
  }
  const download = async () => {
    try {
      await downloadResult(r);
      showFlash({ place: 'image', text: 'Saved as PNG with all parameters.' });
    } catch (e) {
      showFlash({ place: 'image', text: `Could not save the PNG: ${e instanceof Error ? e.message : String(e)}`, sticky: true });
    }
  };
  return (
    <div className="image-view" data-testid="image-view" data-result-id={r.id}>
      <ImageCanvas image={r.image} label={`Generated image: ${r.params.gen.prompt}`} className="main-image" testId="main-image" style={{ width: fitWidth(r.image.width, r.image.height) }} />
      <p className="caption" data-testid="image-caption">
        {r.label && <strong>{r.label} · </strong>}
        {resultCaption(r)}
      </p>
      <div className="inline wrap">
        <button type="button" data-testid="download-png" onClick={() => void download()}>
          Download PNG
        </button>
        <button type="button" disabled={busy} onClick={() => setInitImage(r.image)}>
          Use for img2img
        </button>
        <button type="button" disabled={busy} title={r.img2img ? 'Its settings and its init image' : 'Its settings (txt2img: no init image)'} onClick={() => restoreResult(r)}>
          Restore its settings
        </button>
      </div>
      {status && (
        <p className="muted" role="status" data-testid="image-flash">
          {status}
        </p>
      )}
    </div>
  );
}

// Model picker: the embedded tiny model and the public registry (with download sizes and why a
// model cannot run on this GPU), a custom diffusers-ONNX base URL, and the load state with a
// download progress bar.
import { useApp } from '../state/store.ts';
import { adapterCaps } from '../state/run-slice.ts';
import { ProgressBar, Tip } from './controls.tsx';

const CUSTOM = 'custom';

function size(mb: number): string {
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb} MB`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

/** The selected model's state; a model that is not the selected one counts as not loaded. */
function useSelectedModelState() {
  const model = useApp((s) => s.model);
  const key = useApp((s) => (s.params.gen.model === CUSTOM ? `custom:${s.customBase.trim()}` : s.params.gen.model));
  return model.kind === 'none' || model.key === key ? model : ({ kind: 'none' } as const);
}

function ModelStatus() {
  const model = useSelectedModelState();
  const held = useApp((s) => s.loadedModel?.key);
  const job = useApp((s) => s.run.job);
  const loadModel = useApp((s) => s.loadModel);
  if (model.kind === 'loading') {
    const p = model.progress;
    const frac = p?.bytes ? (p.loaded ?? 0) / p.bytes : p?.total ? p.step / p.total : 0;
    const label = p?.file ? `${p.file} · ${mib(p.loaded ?? 0)} of ${p.bytes ? mib(p.bytes) : '?'}` : 'Loading…';
    return <ProgressBar value={frac} label={label} testId="model-progress" />;
  }
  return (
    <div className="model-status" data-testid="model-status" data-kind={model.kind}>
      {model.kind === 'none' && <span className="muted">Not loaded yet — Generate loads it.</span>}
      {model.kind === 'ready' && (
        <span>
          Loaded: {model.info.sites.length} self-attention sites, {model.info.dtype}, attention {model.info.attentionStyle}
        </span>
      )}
      {model.kind === 'error' && (
        <span className="bad" data-testid="model-load-error">
          Load failed ({model.error.kind ?? model.error.name}): {model.error.message}
        </span>
      )}
      {model.kind === 'error' && held && (
        <span className="muted" data-testid="model-still-loaded">
          {' '}
          Still loaded: {held} — select it to keep generating.
        </span>
      )}
      {model.kind !== 'ready' && (
        <button type="button" className="small" disabled={job !== null} onClick={() => void loadModel()}>
          Load now
        </button>
      )}
    </div>
  );
}

export function ModelPicker() {
  const modelId = useApp((s) => s.params.gen.model);
  const entries = useApp((s) => s.catalog.entries);
  const refusal = useApp((s) => s.catalog.refusalReason);
  const gpu = useApp((s) => s.gpu);
  const customBase = useApp((s) => s.customBase);
  const selectModel = useApp((s) => s.selectModel);
  const setCustomBase = useApp((s) => s.setCustomBase);
  const busy = useApp((s) => s.run.job !== null);
  const caps = adapterCaps({ gpu });
  const known = modelId === CUSTOM || entries.some((e) => e.id === modelId);
  const entry = entries.find((e) => e.id === modelId);
  return (
    <div className="model-picker" data-testid="model-picker">
      <div className="field">
        <label htmlFor="model-select">Model</label>
        <Tip text="Which Stable Diffusion pipeline (diffusers-ONNX layout) to run. The embedded tiny model has random weights: it draws noise, fast, for trying the controls. Public models are downloaded once and kept in the browser cache." />
        <select id="model-select" data-testid="model-select" value={modelId} disabled={busy} onChange={(e) => selectModel(e.target.value)}>
          {!known && <option value={modelId}>{modelId} (unknown)</option>}
          {entries.map((e) => {
            const why = caps && refusal(e, caps);
            return (
              <option key={e.id} value={e.id}>
                {e.label} — {size(e.approxDownloadMB)}
                {why ? ' (cannot run here)' : ''}
              </option>
            );
          })}
          <option value={CUSTOM}>Custom URL…</option>
        </select>
      </div>
      {modelId === CUSTOM && (
        <div className="field">
          <label htmlFor="custom-base">Custom base URL</label>
          <Tip text="A folder in diffusers-ONNX layout: <base>/unet/model.onnx, text_encoder/model.onnx, vae_decoder/model.onnx, tokenizer/… The server must allow cross-origin requests." />
          <input id="custom-base" type="url" inputMode="url" placeholder="https://huggingface.co/…/resolve/main" value={customBase} disabled={busy} onChange={(e) => setCustomBase(e.target.value)} />
        </div>
      )}
      {entry && <p className="hint">{entry.notes}</p>}
      <ModelStatus />
    </div>
  );
}

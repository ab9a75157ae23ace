// Model picker: the embedded models and the public registry (download size, precision, needs, the
// tested form, and why a model cannot run on this GPU), a custom diffusers-ONNX base URL, a model
// folder on disk (picker or drop), the models kept in the browser, and the load state.
import { useState } from 'react';
import { useApp } from '../state/store.ts';
import { adapterCaps, loadBlocker, selectedModelKey } from '../state/model-choice.ts';
import type { ModelEntry } from '../pipeline/registry.ts';
import { ProgressBar, Tip } from './controls.tsx';
import { folderFromDrop, folderFromFileList } from './local-folder.ts';

const CUSTOM = 'custom';
const LOCAL = 'local';

function size(mb: number): string {
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb} MB`;
}

/** A model as the menu lists it: its name, download size, and whether it can run here. */
function optionText(e: ModelEntry, refusal: string | undefined | false): string {
  return `${e.label} — ${size(e.approxDownloadMB)}${refusal ? ' (cannot run here)' : ''}`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

/** The selected model's state; a model that is not the selected one counts as not loaded. */
function useSelectedModelState() {
  const model = useApp((s) => s.model);
  const key = useApp(selectedModelKey);
  return model.kind === 'none' || model.key === key ? model : ({ kind: 'none' } as const);
}

function ModelStatus() {
  const model = useSelectedModelState();
  const held = useApp((s) => s.loadedModel?.key);
  const job = useApp((s) => s.run.job);
  const loadModel = useApp((s) => s.loadModel);
  // why the selected model cannot be loaded (no WebGPU, cannot run on this GPU, a bad URL): a string, so the selector is stable
  const blocked = useApp((s) => {
    const why = loadBlocker(s);
    return why && (why.hint ? `${why.message} ${why.hint}` : why.message);
  });
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
        <button type="button" className="small" disabled={job !== null || blocked !== undefined} title={blocked} aria-describedby={blocked ? 'load-blocked' : undefined} onClick={() => void loadModel()}>
          Load now
        </button>
      )}
      {model.kind !== 'ready' && blocked && (
        <span id="load-blocked" className="muted" data-testid="load-blocked">
          {' '}
          Cannot load: {blocked}
        </span>
      )}
    </div>
  );
}

/** What the public files are, what they need, and whether their exact form is tested here. */
function EntryFacts({ e }: { e: ModelEntry }) {
  const needs = [
    e.needs.shaderF16 ? 'WebGPU shader-f16' : 'any WebGPU adapter',
    e.needs.fixedSize ? `${e.needs.fixedSize.width}×${e.needs.fixedSize.height} only, batch ${e.needs.fixedSize.batch}` : undefined,
  ].filter(Boolean);
  return (
    <dl className="kv model-facts" data-testid="model-facts">
      <dt>Download</dt>
      <dd>{size(e.approxDownloadMB)}</dd>
      {e.form && (
        <>
          <dt>Precision</dt>
          <dd>{e.form.precision}</dd>
          <dt>Form</dt>
          <dd>{e.form.summary}</dd>
        </>
      )}
      <dt>Needs</dt>
      <dd>{needs.join('; ')}</dd>
      {e.form && (
        <>
          <dt>Tested form</dt>
          <dd data-testid="tested-form">{e.form.replica ? 'replica ✓ (its exact form at tiny size generates in our tests)' : 'not replicated'}</dd>
        </>
      )}
    </dl>
  );
}

/** A model folder on disk: a directory picker and a drop zone. */
function LocalFolderField({ disabled }: { disabled: boolean }) {
  const folder = useApp((s) => s.localFolder);
  const setLocalFolder = useApp((s) => s.setLocalFolder);
  const [over, setOver] = useState(false);
  return (
    <div
      className={`field drop-zone${over ? ' over' : ''}`}
      data-testid="local-folder-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void folderFromDrop(e.dataTransfer.items).then((f) => f && setLocalFolder(f));
      }}
    >
      <label htmlFor="local-folder">Local folder</label>
      <Tip label="Local folder" text="A model you downloaded once: a folder in diffusers-ONNX layout (unet/model.onnx, text_encoder/…, vae_decoder/…, tokenizer/…) or with flat .onnx files named unet, text encoder and VAE decoder. It is read from your disk, never uploaded. Or drop the folder here." />
      <input
        id="local-folder"
        data-testid="local-folder-input"
        type="file"
        multiple
        disabled={disabled}
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const f = e.target.files && folderFromFileList(e.target.files);
          if (f) setLocalFolder(f);
        }}
      />
      <span className="muted" data-testid="local-folder-name">
        {folder ? `${folder.name}: ${folder.files.length} files, ${mib(folder.bytes)}` : 'No folder chosen — pick one or drop it here.'}
      </span>
    </div>
  );
}

/** The models kept in the browser's storage, with their size and a delete button. */
function StoredModels() {
  const stored = useApp((s) => s.storedModels);
  const refresh = useApp((s) => s.refreshStoredModels);
  const remove = useApp((s) => s.deleteStoredModel);
  return (
    <details className="stored-models" data-testid="stored-models" onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && void refresh()}>
      <summary>Stored models</summary>
      {stored === null && <p className="muted">Listing…</p>}
      {stored?.length === 0 && <p className="muted">No downloaded model is kept in this browser.</p>}
      <ul>
        {stored?.map((m) => (
          <li key={m.base} data-testid="stored-model">
            <span title={m.base}>{m.label}</span> · {m.files} files, {mib(m.bytes)}{' '}
            <button type="button" className="small" aria-label={`Delete the stored files of ${m.label}`} onClick={() => void remove(m.base)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The model picker's help text (the embedded toy model's notes say what it draws). */
export const MODEL_TOOLTIP =
  'Which Stable Diffusion pipeline (diffusers-ONNX layout) to run. The embedded toy model was trained here on synthetic shapes: it draws a coloured circle, square or triangle, fast, for trying the controls. Public models are downloaded once and kept in the browser.';

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
  const known = modelId === CUSTOM || modelId === LOCAL || entries.some((e) => e.id === modelId);
  const entry = entries.find((e) => e.id === modelId);
  return (
    <div className="model-picker" data-testid="model-picker">
      <div className="field">
        <label htmlFor="model-select">Model</label>
        <Tip label="Model" text={MODEL_TOOLTIP} />
        <select id="model-select" data-testid="model-select" value={modelId} disabled={busy} title={entry ? optionText(entry, caps && refusal(entry, caps)) : undefined} aria-describedby={entry ? 'model-name' : undefined} onChange={(e) => selectModel(e.target.value)}>
          {!known && <option value={modelId}>{modelId} (unknown)</option>}
          {entries.map((e) => {
            const why = caps && refusal(e, caps);
            return (
              <option key={e.id} value={e.id}>
                {optionText(e, why)}
              </option>
            );
          })}
          <option value={CUSTOM}>Custom URL…</option>
          <option value={LOCAL}>Local folder…</option>
        </select>
        {/* the select is as narrow as its column: the whole name, wrapped, under it */}
        {entry && (
          <p className="model-name" id="model-name" data-testid="model-name">
            {optionText(entry, caps && refusal(entry, caps))}
          </p>
        )}
      </div>
      {modelId === CUSTOM && (
        <div className="field">
          <label htmlFor="custom-base">Custom base URL</label>
          <Tip label="Custom base URL" text="A folder in diffusers-ONNX layout: <base>/unet/model.onnx, text_encoder/model.onnx, vae_decoder/model.onnx, tokenizer/… The server must allow cross-origin requests." />
          <input id="custom-base" type="url" inputMode="url" placeholder="https://huggingface.co/…/resolve/main" value={customBase} disabled={busy} onChange={(e) => setCustomBase(e.target.value)} />
        </div>
      )}
      {modelId === LOCAL && <LocalFolderField disabled={busy} />}
      {entry && <p className="hint">{entry.notes}</p>}
      {entry && entry.base.startsWith('http') && <EntryFacts e={entry} />}
      <ModelStatus />
      <StoredModels />
    </div>
  );
}

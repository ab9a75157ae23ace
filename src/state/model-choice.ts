// Which model the selection means and whether it can run: the selected model resolved to an engine
// source (a custom URL checked before anything is fetched), and why it cannot be loaded
// (loadBlocker: no WebGPU, a bad choice or URL, a model this GPU cannot run) or generated
// (runBlocker: that, or a size the model refuses). Pure functions of the store's state.
import type { ModelSource } from '../pipeline/engine.ts';
import type { AdapterCaps, ModelEntry } from '../pipeline/registry.ts';
import type { GenParams, ParamSet } from '../params/gen-params.ts';
import { hiresSize } from '../params/request.ts';
import { checkModelBase } from '../params/model-url.ts';
import type { ModelCatalog } from './ports.ts';
import { RunRequestError, describeError, type AppError } from './run-errors.ts';
import type { LocalFolder } from './run-slice.ts';
import type { AppState } from './store.ts';

export interface ResolvedModel {
  /** identifies what is loaded: registry id, or 'custom:<base>' */
  key: string;
  source: ModelSource;
  entry?: ModelEntry;
}

/** The key a selected model is loaded under (what `model.key` holds once it is). */
export function selectedModelKey(s: Pick<AppState, 'params' | 'customBase' | 'catalog' | 'localFolder'>): string {
  try {
    return resolveModel(s.params.gen, s.customBase, s.catalog, s.localFolder).key;
  } catch {
    return s.params.gen.model;
  }
}

/** The engine source for the selected model; throws RunRequestError for one that cannot be loaded. */
export function resolveModel(gen: GenParams, customBase: string, catalog: ModelCatalog, local: LocalFolder | null = null): ResolvedModel {
  if (gen.model === 'local') {
    if (!local) throw new RunRequestError('No local model folder is chosen.', 'Choose the folder of a downloaded model (diffusers-ONNX layout, or flat .onnx files) under "Local folder", or drop it on the picker.');
    return { key: `local:${local.name}:${local.files.length}:${local.bytes}`, source: { id: 'local', base: `local://${encodeURIComponent(local.name)}`, files: local.files } };
  }
  if (gen.model === 'custom') {
    // checked before anything is fetched: https, or the page's own origin (src/params/model-url.ts)
    const check = checkModelBase(customBase, globalThis.location?.origin);
    if (!check.ok) throw new RunRequestError(check.message, check.hint);
    return { key: `custom:${check.base}`, source: { id: 'custom', base: check.base } };
  }
  const entry = catalog.entries.find((e) => e.id === gen.model);
  if (!entry) throw new RunRequestError(`There is no model called "${gen.model}".`, 'Pick one from the model list, or choose "Custom URL" and enter a base URL.');
  const source: ModelSource = { id: entry.id, base: entry.base };
  if (entry.tokenizerBase) source.tokenizerBase = entry.tokenizerBase;
  if (entry.layout) source.layout = entry.layout;
  return { key: entry.id, source, entry };
}

function customEntry(base: string, gen: GenParams): ModelEntry {
  const defaults = { scheduler: gen.scheduler, steps: gen.steps, guidance: gen.guidance, width: gen.width, height: gen.height };
  return { id: 'custom', label: 'The custom model', base, approxDownloadMB: 0, needs: { shaderF16: false }, defaults, notes: '' };
}

/** The adapter's capabilities once the GPU check has run (undefined before). */
export function adapterCaps(s: Pick<AppState, 'gpu'>): AdapterCaps | undefined {
  if (s.gpu.kind !== 'ready') return undefined;
  return { shaderF16: s.gpu.adapter.shaderF16, maxBufferSize: s.gpu.adapter.limits.maxBufferSize ?? 0 };
}

type BlockerInput = Pick<AppState, 'gpu' | 'params' | 'customBase' | 'catalog' | 'localFolder'>;

/** Why the selected model cannot be loaded (undefined: it can): no WebGPU, a bad model choice or URL, or a model this GPU cannot run. */
export function loadBlocker(s: BlockerInput, set: ParamSet = s.params): AppError | undefined {
  return modelBlocker(s, set).blocker;
}

function modelBlocker(s: BlockerInput, set: ParamSet): { blocker?: AppError; resolved?: ResolvedModel } {
  if (s.gpu.kind === 'unavailable') return { blocker: describeError({ name: 'WebGPUUnavailableError', message: s.gpu.message }) };
  let resolved: ResolvedModel;
  try {
    resolved = resolveModel(set.gen, s.customBase, s.catalog, s.localFolder);
  } catch (e) {
    return { blocker: describeError(e) };
  }
  const caps = adapterCaps(s);
  const refusal = resolved.entry && caps && s.catalog.refusalReason(resolved.entry, caps);
  if (refusal) return { blocker: { name: 'ModelRefused', message: refusal, hint: 'Pick a model marked as able to run on this GPU.' } };
  return { resolved };
}

/** Why the current parameters cannot be generated (undefined: they can). Shown next to Generate. */
export function runBlocker(s: BlockerInput, set: ParamSet = s.params): AppError | undefined {
  const { blocker, resolved } = modelBlocker(s, set);
  if (blocker || !resolved) return blocker;
  // a custom model is checked against the size rules of any SD U-Net
  const entry = resolved.entry ?? customEntry(resolved.source.base, set.gen);
  const sizes = [set.gen, ...(set.gen.hires.enabled ? [hiresSize(set.gen, set.gen.hires.scale)] : [])];
  for (const { width, height } of sizes) {
    const why = s.catalog.sizeRefusal(entry, width, height);
    if (why) return { name: 'SizeRefused', message: why, hint: resolved.entry ? `Use ${entry.defaults.width}×${entry.defaults.height} with this model.` : 'Pick a size the message suggests.' };
  }
  return undefined;
}

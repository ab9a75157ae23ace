// The `run` slice: which model the engine holds, and the jobs (load, a single generation, a
// comparison, a sweep) that drive it. A JobRunner (job-runner.ts) runs one job at a time and the
// slice mirrors its state in `run`; a job's context makes its images one after another (loading
// the model first); Cancel aborts the job and interrupts the engine. Results go to the history slice.
import type { StateCreator } from 'zustand';
import type { LocalFile, ModelInfo, ModelSource, Progress, StageTimings } from '../pipeline/engine.ts';
import type { ImageRgba } from '../image/rgba.ts';
import type { AdapterCaps, ModelEntry } from '../pipeline/registry.ts';
import type { StoredModel } from '../pipeline/stored-models.ts';
import { generateRequestFrom, type GenParams, type ParamSet } from '../params/gen-params.ts';
import { hiresSize } from '../params/request.ts';
import { resizeRgba } from '../image/resize.ts';
import { IDLE_JOB, JobRunner, type Job, type JobOutcome, type JobState } from './job-runner.ts';
import type { AppPorts, ModelCatalog } from './ports.ts';
import { RunRequestError, describeError, isInterruption, type AppError } from './run-errors.ts';
import type { AppState } from './store.ts';

export type JobKind = 'load' | 'generate' | 'compare' | 'sweep';
export type { JobOutcome };
export type ResultKind = 'single' | 'baseline' | 'sa' | 'sweep';

/** One image the engine made, with everything needed to show, compare, download or redo it. */
export interface RunResult {
  id: number;
  kind: ResultKind;
  /** short caption, e.g. 'SA off' or 'in.strength 4 · steps 10' */
  label: string;
  image: ImageRgba;
  timings: StageTimings;
  /** model timestep of each first-pass step */
  timesteps: number[];
  seed: number;
  params: ParamSet;
  img2img: boolean;
  createdAt: number;
  /** final latents before the VAE, when the engine reports them (verification) */
  latents?: Float32Array;
}

export type ModelState =
  | { kind: 'none' }
  | { kind: 'loading'; key: string; progress: Progress | null }
  | { kind: 'ready'; key: string; info: ModelInfo }
  | { kind: 'error'; key: string; error: AppError };

/** A model the engine holds: it stays loaded when loading another one fails or is cancelled. */
export interface HeldModel {
  key: string;
  info: ModelInfo;
}

/** The job runner's state, mirrored into the store. */
export type RunState = JobState<JobKind, Progress>;

/** What a job body can do: make one image (loading the model first if needed). */
export interface JobContext {
  signal: AbortSignal;
  generate: (set: ParamSet, meta: { kind: ResultKind; label: string }) => Promise<RunResult>;
}

export interface RunSlice {
  catalog: ModelCatalog;
  /** the engine's timestep schedule (optional port), for the heatmap */
  timestepsFor: AppPorts['timestepsFor'] | null;
  /** the selected model's state */
  model: ModelState;
  /** what the engine holds (null: nothing yet); survives a failed load of another model */
  loadedModel: HeldModel | null;
  /** base URL used when the model is 'custom' */
  customBase: string;
  /** the folder used when the model is 'local' */
  localFolder: LocalFolder | null;
  /** the models kept in the browser's storage (null: not listed yet, or no storage port) */
  storedModels: StoredModel[] | null;
  /** img2img init image (null: txt2img) */
  initImage: ImageRgba | null;
  run: RunState;
  /** images made since the page opened (the next one's id is this + 1) */
  resultsMade: number;
  setCustomBase: (base: string) => void;
  setLocalFolder: (folder: LocalFolder | null) => void;
  /** Lists the models kept in the browser's storage. */
  refreshStoredModels: () => Promise<void>;
  /** Deletes a stored model's files (by base URL), then lists again. */
  deleteStoredModel: (base: string) => Promise<void>;
  /** Picks a model and applies its defaults (size, steps, guidance, sampler). */
  selectModel: (id: string) => void;
  setInitImage: (image: ImageRgba | null) => void;
  loadModel: () => Promise<JobOutcome>;
  generate: () => Promise<JobOutcome>;
  cancel: () => void;
  dismissRunError: () => void;
  /** Runs `body` as the one job; 'busy' (and nothing runs) when another job is in flight. */
  runJob: (kind: JobKind, body: (ctx: JobContext) => Promise<void>) => Promise<JobOutcome>;
}

export const IDLE_RUN: RunState = IDLE_JOB;

export interface ResolvedModel {
  /** identifies what is loaded: registry id, or 'custom:<base>' */
  key: string;
  source: ModelSource;
  entry?: ModelEntry;
}

/** A model folder on the user's disk, chosen with the folder picker or dropped (model id 'local'). */
export interface LocalFolder {
  name: string;
  files: LocalFile[];
  /** total bytes */
  bytes: number;
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
    const base = customBase.trim();
    if (!base) throw new RunRequestError('The custom model has no base URL.', 'Enter the URL of a diffusers-ONNX folder (holding unet/model.onnx) under "Custom base URL".');
    return { key: `custom:${base}`, source: { id: 'custom', base } };
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

/** Why the current parameters cannot be generated (undefined: they can). Shown next to Generate. */
export function runBlocker(s: Pick<AppState, 'gpu' | 'params' | 'customBase' | 'catalog' | 'localFolder'>, set: ParamSet = s.params): AppError | undefined {
  if (s.gpu.kind === 'unavailable') return describeError({ name: 'WebGPUUnavailableError', message: s.gpu.message });
  let resolved: ResolvedModel;
  try {
    resolved = resolveModel(set.gen, s.customBase, s.catalog, s.localFolder);
  } catch (e) {
    return describeError(e);
  }
  // a custom model is checked against the size rules of any SD U-Net
  const entry = resolved.entry ?? customEntry(resolved.source.base, set.gen);
  const caps = adapterCaps(s);
  const refusal = resolved.entry && caps && s.catalog.refusalReason(entry, caps);
  if (refusal) return { name: 'ModelRefused', message: refusal, hint: 'Pick a model marked as able to run on this GPU.' };
  const sizes = [set.gen, ...(set.gen.hires.enabled ? [hiresSize(set.gen, set.gen.hires.scale)] : [])];
  for (const { width, height } of sizes) {
    const why = s.catalog.sizeRefusal(entry, width, height);
    if (why) return { name: 'SizeRefused', message: why, hint: resolved.entry ? `Use ${entry.defaults.width}×${entry.defaults.height} with this model.` : 'Pick a size the message suggests.' };
  }
  return undefined;
}

export const createRunSlice =
  (ports: AppPorts): StateCreator<AppState, [], [], RunSlice> =>
  (set, get) => {
    const ensureModel = async (job: Job<Progress>, resolved: ResolvedModel): Promise<ModelInfo> => {
      const { key } = resolved;
      const held = get().loadedModel;
      if (held?.key === key) {
        set({ model: { kind: 'ready', ...held } });
        return held.info;
      }
      set({ model: { kind: 'loading', key, progress: null } });
      try {
        const info = await ports.engine.load(resolved.source, {
          signal: job.signal,
          onProgress: (p) => {
            set({ model: { kind: 'loading', key, progress: p } });
            job.report(p);
          },
        });
        set({ loadedModel: { key, info } }); // the engine holds it now, even if this job was cancelled
        if (job.signal.aborted) throw new DOMException('Loading was cancelled.', 'AbortError');
        set({ model: { kind: 'ready', key, info } });
        return info;
      } catch (e) {
        // The engine builds a new pipeline before it drops the old one: `loadedModel` is still usable.
        set({ model: isInterruption(e) || job.signal.aborted ? { kind: 'none' } : { kind: 'error', key, error: describeError(e) } });
        throw e;
      }
    };

    const makeImage = async (job: Job<Progress>, paramSet: ParamSet, meta: { kind: ResultKind; label: string }): Promise<RunResult> => {
      const s = get();
      const blocker = runBlocker(s, paramSet);
      if (blocker) throw new RunRequestError(blocker.message, blocker.hint);
      await ensureModel(job, resolveModel(paramSet.gen, s.customBase, s.catalog, s.localFolder));
      const init = get().initImage;
      const req = generateRequestFrom(paramSet.gen, paramSet.sa, init ? resizeRgba(init, paramSet.gen.width, paramSet.gen.height) : undefined);
      const result = await ports.engine.generate(req, { signal: job.signal, onProgress: job.report });
      if (job.signal.aborted) throw new DOMException('Cancelled.', 'AbortError');
      const id = get().resultsMade + 1;
      set({ resultsMade: id });
      const run: RunResult = {
        id, kind: meta.kind, label: meta.label, image: result.image, timings: result.timings,
        timesteps: result.timesteps, seed: result.seed, params: paramSet, img2img: Boolean(init), createdAt: Date.now(), latents: result.latents,
      };
      get().addResult(run);
      return run;
    };

    /** A job makes its images one after another: a second `generate` while one is made is refused. */
    const makeContext = (job: Job<Progress>): JobContext => {
      let making = false;
      return {
        signal: job.signal,
        generate: async (paramSet, meta) => {
          if (job.signal.aborted) throw new DOMException('Cancelled.', 'AbortError');
          if (making) throw new RunRequestError('A generation is already running.', 'Wait for it to finish, or cancel it.');
          making = true;
          try {
            return await makeImage(job, paramSet, meta);
          } finally {
            making = false;
          }
        },
      };
    };

    const runner = new JobRunner<JobKind, Progress>({ onChange: (run) => set({ run }), onCancel: () => ports.engine.interrupt() });
    const runJob: RunSlice['runJob'] = (kind, body) => runner.run(kind, (job) => body(makeContext(job)));

    return {
      catalog: ports.models,
      timestepsFor: ports.timestepsFor ?? null,
      model: { kind: 'none' },
      loadedModel: null,
      customBase: '',
      localFolder: null,
      storedModels: null,
      initImage: null,
      run: IDLE_RUN,
      resultsMade: 0,
      setCustomBase: (base) => set({ customBase: base }),
      setLocalFolder: (folder) => set({ localFolder: folder }),
      refreshStoredModels: async () => {
        if (ports.storedModels) set({ storedModels: await ports.storedModels.list() });
      },
      deleteStoredModel: async (base) => {
        await ports.storedModels?.remove(base);
        await get().refreshStoredModels();
      },
      selectModel: (id) => {
        const { setGen, loadedModel } = get();
        setGen('model', id);
        if (loadedModel?.key === id) set({ model: { kind: 'ready', ...loadedModel } });
        const entry = get().catalog.entries.find((e) => e.id === id);
        if (!entry) return;
        const d = entry.defaults;
        setGen('width', d.width);
        setGen('height', d.height);
        setGen('steps', d.steps);
        setGen('guidance', d.guidance);
        setGen('scheduler', d.scheduler);
      },
      setInitImage: (image) => set({ initImage: image }),
      loadModel: () =>
        runner.run('load', async (job) => {
          const s = get();
          await ensureModel(job, resolveModel(s.params.gen, s.customBase, s.catalog, s.localFolder));
        }),
      generate: () =>
        runJob('generate', async (ctx) => {
          const { gen, sa } = get().params;
          await ctx.generate({ gen, sa }, { kind: 'single', label: '' });
        }),
      cancel: () => runner.cancel(),
      dismissRunError: () => runner.dismissError(),
      runJob,
    };
  };

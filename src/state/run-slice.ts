// The `run` slice: which model the engine holds, and the jobs (load, a single generation, a
// comparison, a sweep) that drive it. A JobRunner (job-runner.ts) runs one job at a time and the
// slice mirrors its state in `run`; a job's context makes its images one after another (loading
// the model first); Cancel aborts the job and interrupts the engine. Results go to the history slice.
// Step previews: a single generation asks for them while `showSteps` is on; the newest is
// `stepPreview` while its job runs, and is gone when the job ends however it ends.
import type { StateCreator } from 'zustand';
import type { LocalFile, ModelInfo, Progress, StageTimings } from '../pipeline/engine.ts';
import type { ImageRgba } from '../image/rgba.ts';
import type { StoredModel } from '../pipeline/stored-models.ts';
import { SCHEDULER_LABELS, generateRequestFrom, type GenParams, type Notice, type ParamSet } from '../params/gen-params.ts';
import { readPngParams } from '../params/png-metadata.ts';
import { resizeRgba } from '../image/resize.ts';
import { IDLE_JOB, JobRunner, type Job, type JobOutcome, type JobState } from './job-runner.ts';
import type { AppPorts, ModelCatalog } from './ports.ts';
import { RunRequestError, describeError, isInterruption, type AppError } from './run-errors.ts';
import { loadBlocker, resolveModel, runBlocker, type ResolvedModel } from './model-choice.ts';
import { INIT_MISSING } from './params-slice.ts';
import { vocabularyUrl } from './vocabulary-slice.ts';
import { toModelCaption } from '../models/toy/vocabulary.ts';
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
  /** the img2img init image as it was given (before resizing): the same object for every result made
   * from it, so history keeps one copy of it; absent for txt2img */
  init?: ImageRgba;
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

/** The newest step preview of the generation in flight (latent-sized; the viewer scales it up). */
export interface StepPreview {
  image: ImageRgba;
  step: number;
  total: number;
}

/** The job runner's state, mirrored into the store. */
export type RunState = JobState<JobKind, Progress>;

/** What a job body can do: make one image (loading the model first if needed). */
export interface JobContext {
  signal: AbortSignal;
  /** `record: false` (a compare's warm-up): the image is not counted nor kept in history */
  generate: (set: ParamSet, meta: { kind: ResultKind; label: string; record?: boolean }) => Promise<RunResult>;
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
  /** the init image's PNG bytes when it carries generation parameters: offered, never applied by itself */
  initImageSettings: Uint8Array | null;
  run: RunState;
  /** images made since the page opened (the next one's id is this + 1) */
  resultsMade: number;
  /** show a preview at each step of a single generation (on by default) */
  showSteps: boolean;
  /** the generation in flight's newest step preview; null when idle or none came yet */
  stepPreview: StepPreview | null;
  setShowSteps: (on: boolean) => void;
  setCustomBase: (base: string) => void;
  setLocalFolder: (folder: LocalFolder | null) => void;
  /** Lists the models kept in the browser's storage. */
  refreshStoredModels: () => Promise<void>;
  /** Deletes a stored model's files (by base URL), then lists again. */
  deleteStoredModel: (base: string) => Promise<void>;
  /** Picks a model and applies its defaults (size, steps, guidance, sampler). */
  selectModel: (id: string) => void;
  /** Sets the init image only; `png`: its file, kept for `restoreInitImageSettings` when it carries parameters. */
  setInitImage: (image: ImageRgba | null, png?: Uint8Array) => void;
  /** Applies the init image PNG's parameters (prompt, seed, SA, …); returns the notices of that load. */
  restoreInitImageSettings: () => Notice[];
  /** A result's settings and its init image (txt2img: none), as it was made. */
  restoreResult: (r: RunResult) => Notice[];
  /** A dropped PNG's settings with a notice naming the file; an img2img PNG (its init image is not in
   * the file) also clears the init image, so Generate makes what the notice says: txt2img. */
  restoreFromPng: (bytes: Uint8Array, fileName: string) => Notice[];
  loadModel: () => Promise<JobOutcome>;
  generate: () => Promise<JobOutcome>;
  cancel: () => void;
  dismissRunError: () => void;
  /** Runs `body` as the one job; 'busy' (and nothing runs) when another job is in flight. */
  runJob: (kind: JobKind, body: (ctx: JobContext) => Promise<void>) => Promise<JobOutcome>;
}

export const IDLE_RUN: RunState = IDLE_JOB;

/** What switching model changed ("Steps 20→4, CFG 7.5→3: the defaults of X."); null when nothing did. */
export function modelDefaultsNotice(before: GenParams, after: GenParams, label: string): Notice | null {
  const changes: string[] = [];
  if (before.steps !== after.steps) changes.push(`Steps ${before.steps}→${after.steps}`);
  if (before.guidance !== after.guidance) changes.push(`CFG ${before.guidance}→${after.guidance}`);
  if (before.width !== after.width || before.height !== after.height) changes.push(`size ${before.width}×${before.height}→${after.width}×${after.height}`);
  if (before.scheduler !== after.scheduler) changes.push(`sampler ${SCHEDULER_LABELS[before.scheduler]}→${SCHEDULER_LABELS[after.scheduler]}`);
  return changes.length ? { path: 'model', message: `${changes.join(', ')}: the defaults of ${label}.`, level: 'info' } : null;
}

/** A model folder on the user's disk, chosen with the folder picker or dropped (model id 'local'). */
export interface LocalFolder {
  name: string;
  files: LocalFile[];
  /** total bytes */
  bytes: number;
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

    /** A model with a vocabulary file (the toy model) gets its prompts in the caption form it was
     * trained on ("an orange" → "a orange"); what people read and what is kept stays as typed. */
    const inModelWords = async (gen: GenParams): Promise<GenParams> => {
      const url = vocabularyUrl(get().catalog.entries.find((e) => e.id === gen.model));
      if (!url) return gen;
      await get().loadVocabulary(url);
      const v = get().vocabularies[url];
      if (v?.kind !== 'ready') return gen;
      return { ...gen, prompt: toModelCaption(gen.prompt, v.vocabulary), negativePrompt: toModelCaption(gen.negativePrompt, v.vocabulary) };
    };

    const makeImage = async (job: Job<Progress>, paramSet: ParamSet, meta: { kind: ResultKind; label: string; record?: boolean }): Promise<RunResult> => {
      const s = get();
      const blocker = runBlocker(s, paramSet);
      if (blocker) throw new RunRequestError(blocker.message, blocker.hint);
      await ensureModel(job, resolveModel(paramSet.gen, s.customBase, s.catalog, s.localFolder));
      const init = get().initImage;
      const req = generateRequestFrom(await inModelWords(paramSet.gen), paramSet.sa, init ? resizeRgba(init, paramSet.gen.width, paramSet.gen.height) : undefined);
      // previews for a single image only: a comparison's timings stay free of them, a sweep shows its grid
      if (meta.kind === 'single' && get().showSteps) req.previews = true;
      const onProgress = (p: Progress) => {
        job.report(p);
        // not shown: a late progress (after the job ended, e.g. from work a device loss left
        // running), or once Show steps was turned off mid-generation
        if (p.preview && get().run.progress === p && get().showSteps) set({ stepPreview: { image: p.preview, step: p.step, total: p.total } });
      };
      const result = await ports.engine.generate(req, { signal: job.signal, onProgress });
      if (job.signal.aborted) throw new DOMException('Cancelled.', 'AbortError');
      const record = meta.record ?? true;
      const id = record ? get().resultsMade + 1 : 0;
      if (record) set({ resultsMade: id });
      const run: RunResult = {
        id, kind: meta.kind, label: meta.label, image: result.image, timings: result.timings,
        timesteps: result.timesteps, seed: result.seed, params: paramSet, img2img: Boolean(init), createdAt: Date.now(), latents: result.latents,
        ...(init ? { init } : {}),
      };
      if (record) get().addResult(run);
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

    const runner = new JobRunner<JobKind, Progress>({
      onChange: (run) => {
        // a confirmation ("Link copied.") belongs to what was on screen before the next image
        if (run.job && run.job !== 'load' && get().run.job !== run.job) get().clearFlash();
        // a job that starts or ends takes the last step preview with it
        set(run.job && run.progress ? { run } : { run, stepPreview: null });
      },
      onCancel: () => ports.engine.interrupt(),
    });
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
      initImageSettings: null,
      run: IDLE_RUN,
      resultsMade: 0,
      showSteps: true,
      stepPreview: null,
      setShowSteps: (on) => set(on ? { showSteps: true } : { showSteps: false, stepPreview: null }),
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
        const before = get().params.gen;
        const d = entry.defaults;
        setGen('width', d.width);
        setGen('height', d.height);
        setGen('steps', d.steps);
        setGen('guidance', d.guidance);
        setGen('scheduler', d.scheduler);
        const notice = modelDefaultsNotice(before, get().params.gen, entry.label);
        if (notice) get().pushNotice(notice);
      },
      setInitImage: (image, png) => set({ initImage: image, initImageSettings: image && png && readPngParams(png) ? png : null }),
      restoreInitImageSettings: () => {
        const png = get().initImageSettings;
        return png ? get().loadFromPng(png) : [];
      },
      restoreResult: (r) => {
        const notices = get().loadParams(r.params);
        set({ initImage: r.init ?? null, initImageSettings: null });
        return notices;
      },
      restoreFromPng: (bytes, fileName) => {
        const notices = get().loadFromPng(bytes, fileName);
        if (notices.some((n) => n.path === INIT_MISSING)) set({ initImage: null, initImageSettings: null });
        return notices;
      },
      loadModel: () =>
        runner.run('load', async (job) => {
          const s = get();
          const blocker = loadBlocker(s);
          if (blocker) throw new RunRequestError(blocker.message, blocker.hint);
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

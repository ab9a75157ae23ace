// The body of bench/suite.ts (imported after Dawn is navigator.gpu): one U-Net, three candidates
// per call — the unsplit model on onnxruntime-web (ORT's own attention), our split model with SA
// off, and with the default SA — timed interleaved on one device, with GPU memory and the largest
// size that still runs.
import type { GpuContext } from '../src/gpu/device.ts';
import { createSession, loadOrt, runSession, type Ort, type OrtSession } from '../src/gpu/ort.ts';
import { ortWasmDir } from '../src/gpu/node-gpu.ts';
import type { UnetRunner } from '../src/gpu/unet-runner.ts';
import type { ExternalBlob } from '../src/onnx/model-file.ts';
import { splitUnet, type SplitUnet } from '../src/onnx/surgery.ts';
import { DEFAULT_SA_PARAMS, type SaWindow } from '../src/sa/index.ts';
import { ortTensors, tensorToF32 } from '../src/gpu/ort-tensors.ts';
import { runUnetOnGpu } from '../src/cli/unet-step-gpu.ts';
import { createUnetRunner } from '../src/gpu/gpu-backend.ts';
import { hostTensor, siteWindows, type UnetStepInputs } from '../src/cli/unet-inputs.ts';
import { GpuMemoryTracker, type MemorySnapshot } from './suite-memory.ts';
import { median } from './kernels-timing.ts';
import { seededValues } from '../src/gpu/kernels/check.ts';

export type Candidate = 'unsplit' | 'off' | 'sa';
export const CANDIDATES: Candidate[] = ['unsplit', 'off', 'sa'];

export interface UnetUnderTest {
  name: string;
  bytes: Uint8Array;
  externalData: ExternalBlob[];
  crossDim: number;
}

export interface SuiteOptions {
  sizes: number[];
  reps: number;
  warmup: number;
  batch: number;
  /** the model timestep SA's schedule is evaluated at */
  timestep: number;
  p5?: { limitMs: number; max: number };
}

export interface SizeResult {
  size: number;
  activeSites: number;
  ms: Record<Candidate, number[]>;
  /** peak bytes during a call above what was live before it */
  peak: Record<Candidate, MemorySnapshot>;
  error?: string;
}

export interface P5Result {
  candidate: Candidate;
  largest: number;
  msAtLargest: number;
  stop: string;
}

export interface SuiteResult {
  /** bytes held after creating each model's sessions, and by both after all runs (weights + ORT's caches) */
  resident: { unsplit: MemorySnapshot; split: MemorySnapshot; afterRuns: MemorySnapshot; peakEver: MemorySnapshot };
  sites: number;
  style: string;
  sizes: SizeResult[];
  p5: P5Result[];
}

function inputsFor(split: SplitUnet, u: UnetUnderTest, B: number, size: number, t: number): UnetStepInputs {
  const h = size / 8;
  const typeOf = (n: string) => split.graphInputs.find((g) => g.name === n)!.dataType;
  const feeds = {
    sample: hostTensor(typeOf('sample'), seededValues(B * 4 * h * h, 1), [B, 4, h, h]),
    timestep: hostTensor(typeOf('timestep'), new Float32Array(B).fill(t), [B]),
    encoder_hidden_states: hostTensor(typeOf('encoder_hidden_states'), seededValues(B * 77 * u.crossDim, 2), [B, 77, u.crossDim]),
  };
  return { feeds, B, h, w: h, t };
}

interface Bench {
  ort: Ort;
  device: GPUDevice;
  session: OrtSession;
  runner: UnetRunner;
  split: SplitUnet;
  mem: GpuMemoryTracker;
}

const OFF: SaWindow = { active: false, reason: 'disabled', s: 0 };

/** One call of `c`; wall ms from an idle queue to out_sample on the CPU, and its memory peak. */
async function call(b: Bench, c: Candidate, inputs: UnetStepInputs, windows: SaWindow[]): Promise<{ ms: number; peak: MemorySnapshot }> {
  await b.device.queue.onSubmittedWorkDone();
  const before = b.mem.now();
  b.mem.resetPeak();
  const t0 = performance.now();
  if (c === 'unsplit') {
    const out = await runSession(b.session, ortTensors(b.ort, inputs.feeds));
    await tensorToF32(out[b.session.outputNames[0]]);
    for (const v of Object.values(out)) v.dispose();
  } else {
    await runUnetOnGpu(b.ort, b.runner, inputs, (s) => (c === 'off' ? OFF : windows[s.index]), false);
  }
  const ms = performance.now() - t0;
  const p = b.mem.peak();
  return { ms, peak: { live: p.live - before.live, ours: p.ours - before.ours, ort: p.ort - before.ort } };
}

async function measureSize(b: Bench, u: UnetUnderTest, size: number, o: SuiteOptions, log: (s: string) => void): Promise<SizeResult> {
  const inputs = inputsFor(b.split, u, o.batch, size, o.timestep);
  const sites = siteWindows(b.split, DEFAULT_SA_PARAMS, o.timestep, inputs.h, inputs.w);
  const windows = sites.map((s) => s.window);
  const r: SizeResult = { size, activeSites: windows.filter((w) => w.active).length, ms: { unsplit: [], off: [], sa: [] }, peak: {} as SizeResult['peak'] };
  try {
    for (let rep = -o.warmup; rep < o.reps; rep++) {
      // rotate the order each round so no candidate always runs first (warm caches, clocks)
      const order = CANDIDATES.map((_, i) => CANDIDATES[(i + rep + o.warmup) % CANDIDATES.length]);
      for (const c of order) {
        const { ms, peak } = await call(b, c, inputs, windows);
        if (rep >= 0) r.ms[c].push(ms);
        if (rep >= 0 && (!r.peak[c] || peak.live > r.peak[c].live)) r.peak[c] = peak;
        log(`  ${size}px ${rep < 0 ? 'warm-up' : `rep ${rep + 1}`} ${c}: ${ms.toFixed(1)} ms`);
      }
    }
  } catch (e) {
    r.error = (e as Error).message;
  }
  return r;
}

/** Grows the square size by 128 until a call fails or takes longer than the limit. */
async function largestSize(b: Bench, u: UnetUnderTest, c: Candidate, o: SuiteOptions, log: (s: string) => void): Promise<P5Result> {
  const res: P5Result = { candidate: c, largest: 0, msAtLargest: 0, stop: `reached --p5-max ${o.p5!.max}` };
  for (let size = 128; size <= o.p5!.max; size += 128) {
    const inputs = inputsFor(b.split, u, o.batch, size, o.timestep);
    const windows = siteWindows(b.split, DEFAULT_SA_PARAMS, o.timestep, inputs.h, inputs.w).map((s) => s.window);
    b.device.pushErrorScope('out-of-memory');
    b.device.pushErrorScope('validation');
    let ms = 0;
    let failure: string | undefined;
    try {
      ({ ms } = await call(b, c, inputs, windows));
    } catch (e) {
      failure = (e as Error).message.split('\n')[0];
    }
    const validation = await b.device.popErrorScope();
    const oom = await b.device.popErrorScope();
    failure ??= oom?.message ?? validation?.message;
    log(`  P5 ${c} ${size}px: ${failure ? `failed (${failure})` : `${ms.toFixed(0)} ms`}`);
    if (failure) return { ...res, stop: `${size}px failed: ${failure.slice(0, 80)}` };
    [res.largest, res.msAtLargest] = [size, ms];
    if (ms > o.p5!.limitMs) return { ...res, stop: `${size}px took longer than the ${o.p5!.limitMs / 1000} s limit` };
  }
  return res;
}

export async function runSuite(ctx: GpuContext, u: UnetUnderTest, o: SuiteOptions, log: (s: string) => void): Promise<SuiteResult> {
  const { device } = ctx;
  const mem = new GpuMemoryTracker(device);
  const ort = await loadOrt(ortWasmDir());
  const m0 = mem.now();
  const session = await createSession(ort, device, u.bytes, { externalData: u.externalData });
  const m1 = mem.now();
  const split = splitUnet(u.bytes, { externalData: u.externalData });
  const { runner } = await createUnetRunner(ort, device, split);
  const m2 = mem.now();
  const diff = (a: MemorySnapshot, b: MemorySnapshot) => ({ live: a.live - b.live, ours: a.ours - b.ours, ort: a.ort - b.ort });
  const b: Bench = { ort, device, session, runner, split, mem };
  try {
    const sizes: SizeResult[] = [];
    for (const size of o.sizes) sizes.push(await measureSize(b, u, size, o, log));
    const p5: P5Result[] = [];
    if (o.p5) for (const c of ['sa', 'unsplit'] as Candidate[]) p5.push(await largestSize(b, u, c, o, log));
    const afterRuns = diff(mem.now(), m0);
    return { resident: { unsplit: diff(m1, m0), split: diff(m2, m1), afterRuns, peakEver: diff(mem.peakEver, m0) }, sites: split.sites.length, style: split.sites[0]?.style ?? '?', sizes, p5 };
  } finally {
    await runner.release();
    await session.release();
    mem.uninstall();
  }
}

export { median };

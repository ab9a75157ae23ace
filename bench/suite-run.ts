// The body of bench/suite.ts (imported after Dawn is navigator.gpu): one U-Net on one device, five
// candidates per call — the unsplit model on onnxruntime-web in the torch-export form (ORT runs
// MatMul–Softmax–MatMul with N×N scores) and in the ORT-fused form (every attention rewritten to
// com.microsoft MultiHeadAttention, src/onnx/fuse-mha.ts: ORT's flash attention), and our split
// model with SA off, the default SA and a strong preset — timed interleaved, with GPU memory and
// the largest size that still runs (bench/suite-p5.ts).
import type { GpuContext } from '../src/gpu/device.ts';
import { createSession, loadOrt, runSession, type Ort, type OrtSession } from '../src/gpu/ort.ts';
import { ortWasmDir } from '../src/gpu/node-gpu.ts';
import type { UnetRunner } from '../src/gpu/unet-runner.ts';
import type { ExternalBlob } from '../src/onnx/model-file.ts';
import { decodeModel, encodeModel } from '../src/onnx/proto.ts';
import { fuseAttentionToMha, type FusedAttention } from '../src/onnx/fuse-mha.ts';
import { splitUnet, type SplitUnet } from '../src/onnx/surgery.ts';
import { DEFAULT_SA_PARAMS, type SaParams, type SaWindow } from '../src/sa/index.ts';
import { ortTensors, tensorToF32 } from '../src/gpu/ort-tensors.ts';
import { runUnetOnGpu } from '../src/cli/unet-step-gpu.ts';
import { createUnetRunner } from '../src/gpu/gpu-backend.ts';
import { hostTensor, siteWindows, type UnetStepInputs } from '../src/cli/unet-inputs.ts';
import { GpuMemoryTracker, type MemorySnapshot } from './suite-memory.ts';
import { median } from './kernels-timing.ts';
import { seededValues } from '../src/gpu/kernels/check.ts';

/** torch / fused: unsplit ORT in the two forms; off / sa / strong: the split model. */
export type Candidate = 'torch' | 'fused' | 'off' | 'sa' | 'strong';
export const CANDIDATES: Candidate[] = ['torch', 'fused', 'off', 'sa', 'strong'];
export const isUnsplit = (c: Candidate) => c === 'torch' || c === 'fused';

export interface UnetUnderTest {
  name: string;
  /** the torch-export form */
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
  /** the strong SA candidate: a preset's id and params */
  strong: { id: string; params: SaParams };
  /** the torch form only up to this size (its N×N scores grow with N²) */
  torchMax: number;
  /** performance.now() after which no new size or round starts (what ran is still printed) */
  deadlineAt?: number;
  p5?: { limitMs: number; max: number };
}

export interface SizeResult {
  size: number;
  activeSites: { sa: number; strong: number };
  ms: Record<Candidate, number[]>;
  /** why a candidate did not run at this size */
  skipped: Partial<Record<Candidate, string>>;
  /** peak bytes during a call above what was live before it */
  peak: Partial<Record<Candidate, MemorySnapshot>>;
  error?: string;
}

export interface P5Result {
  candidate: Candidate;
  largest: number;
  msAtLargest: number;
  stop: string;
}

export interface SuiteResult {
  /** bytes held after creating each model's sessions, and by all after the runs (weights + ORT's caches) */
  resident: { torch: MemorySnapshot; fused: MemorySnapshot; split: MemorySnapshot; afterRuns: MemorySnapshot; peakEver: MemorySnapshot };
  sites: number;
  style: string;
  fused: FusedAttention;
  sizes: SizeResult[];
  p5: P5Result[];
  /** sizes left out because the deadline passed */
  notRun: number[];
}

export interface Bench {
  ort: Ort;
  device: GPUDevice;
  sessions: { torch: OrtSession; fused: OrtSession };
  runner: UnetRunner;
  split: SplitUnet;
  mem: GpuMemoryTracker;
  u: UnetUnderTest;
  o: SuiteOptions;
}

export function inputsFor(b: Bench, size: number): UnetStepInputs {
  const { split, u, o } = b;
  const B = o.batch;
  const h = size / 8;
  const typeOf = (n: string) => split.graphInputs.find((g) => g.name === n)!.dataType;
  const feeds = {
    sample: hostTensor(typeOf('sample'), seededValues(B * 4 * h * h, 1), [B, 4, h, h]),
    timestep: hostTensor(typeOf('timestep'), new Float32Array(B).fill(o.timestep), [B]),
    encoder_hidden_states: hostTensor(typeOf('encoder_hidden_states'), seededValues(B * 77 * u.crossDim, 2), [B, 77, u.crossDim]),
  };
  return { feeds, B, h, w: h, t: o.timestep };
}

const OFF: SaWindow = { active: false, reason: 'disabled', s: 0 };

export interface CallWindows {
  sa: SaWindow[];
  strong: SaWindow[];
}

export function windowsAt(b: Bench, inputs: UnetStepInputs): CallWindows {
  const at = (p: SaParams) => siteWindows(b.split, p, b.o.timestep, inputs.h, inputs.w).map((s) => s.window);
  return { sa: at(DEFAULT_SA_PARAMS), strong: at(b.o.strong.params) };
}

/** One call of `c`; wall ms from an idle queue to out_sample on the CPU, and its memory peak. */
export async function call(b: Bench, c: Candidate, inputs: UnetStepInputs, w: CallWindows): Promise<{ ms: number; peak: MemorySnapshot }> {
  await b.device.queue.onSubmittedWorkDone();
  const before = b.mem.now();
  b.mem.resetPeak();
  const t0 = performance.now();
  if (isUnsplit(c)) {
    const session = b.sessions[c as 'torch' | 'fused'];
    const out = await runSession(session, ortTensors(b.ort, inputs.feeds));
    await tensorToF32(out[session.outputNames[0]]);
    for (const v of Object.values(out)) v.dispose();
  } else {
    await runUnetOnGpu(b.ort, b.runner, inputs, (s) => (c === 'off' ? OFF : c === 'sa' ? w.sa[s.index] : w.strong[s.index]), false);
  }
  const ms = performance.now() - t0;
  const p = b.mem.peak();
  return { ms, peak: { live: p.live - before.live, ours: p.ours - before.ours, ort: p.ort - before.ort } };
}

/** Why the torch form cannot run at `size`: its largest score tensor (level 0) against one storage binding. */
export function torchSkip(b: Bench, size: number): string | undefined {
  if (size > b.o.torchMax) return `skipped (> --torch-max ${b.o.torchMax})`;
  const level0 = b.split.sites.find((s) => s.level === 0);
  if (!level0) return undefined;
  const N = (size / 8) ** 2;
  const bytes = b.o.batch * level0.heads * N * N * (level0.dataType === 10 ? 2 : 4);
  const limit = b.device.limits.maxStorageBufferBindingSize;
  return bytes > limit ? `n/a (scores ${(bytes / 2 ** 30).toFixed(1)} GiB > binding ${(limit / 2 ** 30).toFixed(1)} GiB)` : undefined;
}

const pastDeadline = (o: SuiteOptions) => o.deadlineAt !== undefined && performance.now() > o.deadlineAt;

async function measureSize(b: Bench, size: number, log: (s: string) => void): Promise<SizeResult> {
  const inputs = inputsFor(b, size);
  const w = windowsAt(b, inputs);
  const active = (ws: SaWindow[]) => ws.filter((x) => x.active).length;
  const r: SizeResult = { size, activeSites: { sa: active(w.sa), strong: active(w.strong) }, ms: { torch: [], fused: [], off: [], sa: [], strong: [] }, skipped: {}, peak: {} };
  const why = torchSkip(b, size);
  if (why) r.skipped.torch = why;
  const run = CANDIDATES.filter((c) => !r.skipped[c]);
  for (let rep = -b.o.warmup; rep < b.o.reps; rep++) {
    if (rep >= 1 && pastDeadline(b.o)) break; // keep what is timed so far
    // rotate the order each round so no candidate always runs first (warm caches, clocks)
    const order = run.map((_, i) => run[(i + rep + b.o.warmup) % run.length]);
    for (const c of order) {
      if (r.skipped[c]) continue;
      try {
        const { ms, peak } = await call(b, c, inputs, w);
        if (rep >= 0) r.ms[c].push(ms);
        if (rep >= 0 && (!r.peak[c] || peak.live > r.peak[c].live)) r.peak[c] = peak;
        log(`  ${size}px ${rep < 0 ? 'warm-up' : `rep ${rep + 1}`} ${c}: ${ms.toFixed(1)} ms`);
      } catch (e) {
        r.skipped[c] = `failed: ${(e as Error).message.split('\n')[0].slice(0, 60)}`;
        log(`  ${size}px ${c}: ${r.skipped[c]}`);
      }
    }
  }
  return r;
}

async function openBench(ctx: GpuContext, u: UnetUnderTest, o: SuiteOptions, mem: GpuMemoryTracker, log: (s: string) => void) {
  const { device } = ctx;
  const ort = await loadOrt(ortWasmDir());
  const diff = (a: MemorySnapshot, z: MemorySnapshot) => ({ live: a.live - z.live, ours: a.ours - z.ours, ort: a.ort - z.ort });
  const m0 = mem.now();
  const torch = await createSession(ort, device, u.bytes, { externalData: u.externalData });
  const m1 = mem.now();
  const model = decodeModel(u.bytes);
  const fusedCount = fuseAttentionToMha(model);
  log(`  ORT-fused form: ${fusedCount.self} self- and ${fusedCount.cross} cross-attention cores → MultiHeadAttention`);
  const fused = await createSession(ort, device, encodeModel(model), { externalData: u.externalData });
  const m2 = mem.now();
  const split = splitUnet(u.bytes, { externalData: u.externalData });
  const { runner } = await createUnetRunner(ort, device, split);
  const m3 = mem.now();
  const b: Bench = { ort, device, sessions: { torch, fused }, runner, split, mem, u, o };
  return { b, m0, fusedCount, resident: { torch: diff(m1, m0), fused: diff(m2, m1), split: diff(m3, m2) }, diff };
}

export async function runSuite(ctx: GpuContext, u: UnetUnderTest, o: SuiteOptions, log: (s: string) => void): Promise<SuiteResult> {
  const mem = new GpuMemoryTracker(ctx.device);
  const { b, m0, fusedCount, resident, diff } = await openBench(ctx, u, o, mem, log);
  try {
    const sizes: SizeResult[] = [];
    const notRun: number[] = [];
    for (const size of o.sizes) {
      if (pastDeadline(o)) notRun.push(size);
      else sizes.push(await measureSize(b, size, log));
    }
    const p5: P5Result[] = [];
    if (o.p5) {
      const { largestSize } = await import('./suite-p5.ts');
      for (const c of ['sa', 'fused', 'torch'] as Candidate[]) p5.push(await largestSize(b, c, log));
    }
    const afterRuns = diff(mem.now(), m0);
    return { resident: { ...resident, afterRuns, peakEver: diff(mem.peakEver, m0) }, sites: b.split.sites.length, style: b.split.sites[0]?.style ?? '?', fused: fusedCount, sizes, p5, notRun };
  } finally {
    await b.runner.release();
    await b.sessions.torch.release();
    await b.sessions.fused.release();
    mem.uninstall();
  }
}

export { median };

// The body of bench/kernels.ts (imported after Dawn is installed as navigator.gpu).
import type { GpuContext } from '../src/gpu/device.ts';
import { uploadBuffer, storageBuffer } from '../src/gpu/buffers.ts';
import { loadOrt, type Ort } from '../src/gpu/ort.ts';
import { ortWasmDir } from '../src/gpu/node-gpu.ts';
import { FlashAttention } from '../src/gpu/kernels/attention.ts';
import { MatMul, type MatMulVersion } from '../src/gpu/kernels/matmul.ts';
import { bytesPerValue, type TensorDType } from '../src/gpu/kernels/dtype.ts';
import { seededValues } from '../src/gpu/kernels/check.ts';
import { toHalf } from '../src/gpu/kernels/half.ts';
import { SelfAttentionSite } from '../src/gpu/site.ts';
import { windowForStride, type SaWindow } from '../src/sa/index.ts';
import { OrtAttention, type AttentionShape, type OrtAttentionKind } from './kernels-ort.ts';
import { PassTimer, median, wallMs } from './kernels-timing.ts';

export interface KernelBenchOptions {
  /** image sizes in pixels; level 0 grid = size/8 × size/8 */
  sizes: number[];
  reps: number;
  dtype: TensorDType;
  ort: boolean;
  /** also time attention tilings (workgroup size × workgroup memory) at stride 1 */
  tune?: boolean;
  /** head_dim at level 0 (C = 320): 40 is SD1.5 (8 heads), 64 is SD2.x (5 heads) */
  headDim?: number;
}

const B = 2;
// level-0 shape, set by runKernelBench from --head-dim (C stays 320)
let HEADS = 8;
let HEAD_DIM = 40;
let C = HEADS * HEAD_DIM;
const STRIDES: [string, number][] = [
  ['1 (plain)', 1],
  ['2×2', 4],
  ['3×3', 9],
];
const ORT_KINDS: OrtAttentionKind[] = ['matmul-softmax', 'mha'];

type Timing = number | string; // ms, or why there is none

interface AttentionRow {
  image: number;
  N: number;
  window: string;
  M: number;
  ours: number;
  oursGpu?: number;
  /** attention v3 (shaders/attention_v3.wgsl), timed beside v2 in the same interleaved rounds */
  v3: Timing;
  site: number;
  ort: Record<OrtAttentionKind, Timing>;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toPrecision(3));
const gflops = (flops: number, ms: number) => (flops / ms / 1e6).toFixed(flops / ms / 1e6 >= 100 ? 0 : 2);

function upload(device: GPUDevice, label: string, count: number, seed: number, dtype: TensorDType): GPUBuffer {
  const v = seededValues(count, seed, 1);
  return uploadBuffer(device, label, dtype === 'f16' ? toHalf(v) : v);
}

async function ortRunners(ort: Ort | undefined, device: GPUDevice, shape: AttentionShape): Promise<Record<OrtAttentionKind, OrtAttention | string>> {
  const out = {} as Record<OrtAttentionKind, OrtAttention | string>;
  for (const kind of ORT_KINDS) {
    const scoreBytes = shape.B * shape.heads * shape.N * shape.M * 4;
    if (!ort) out[kind] = 'off';
    else if (kind === 'matmul-softmax' && scoreBytes > device.limits.maxStorageBufferBindingSize) {
      out[kind] = `n/a (scores ${(scoreBytes / 2 ** 30).toFixed(0)} GiB)`;
    } else {
      try {
        out[kind] = await OrtAttention.create(ort, device, kind, shape);
      } catch (e) {
        out[kind] = `error: ${(e as Error).message.slice(0, 60)}`;
      }
    }
  }
  return out;
}

type Entry = (last: boolean) => Promise<void> | void;

/** Calls per timed sample: enough back-to-back calls to fill ~25 ms, so the GPU never idles. */
const SAMPLE_MS = 25;

/**
 * Runs every entry once (warm-up, also sizing its sample), then `reps` interleaved rounds; each
 * sample is `inner` back-to-back calls (the last one told so) timed to queue completion, divided
 * by `inner`. Returns per-call medians or errors.
 */
async function interleaved(device: GPUDevice, reps: number, entries: Record<string, Entry>): Promise<Record<string, Timing>> {
  const times: Record<string, number[]> = {};
  const failed: Record<string, string> = {};
  const inner: Record<string, number> = {};
  for (let r = -1; r < reps; r++) {
    for (const [name, fn] of Object.entries(entries)) {
      if (failed[name]) continue;
      try {
        const calls = inner[name] ?? 1;
        const ms = await wallMs(device, async () => {
          for (let i = 0; i < calls; i++) await fn(i === calls - 1);
        });
        if (r >= 0) (times[name] ??= []).push(ms / calls);
        else inner[name] = Math.min(64, Math.max(1, Math.ceil(SAMPLE_MS / ms)));
      } catch (e) {
        failed[name] = `error: ${(e as Error).message.slice(0, 60)}`;
      }
    }
  }
  return Object.fromEntries(Object.keys(entries).map((k) => [k, failed[k] ?? median(times[k])]));
}

async function benchImage(device: GPUDevice, ort: Ort | undefined, image: number, opts: KernelBenchOptions): Promise<AttentionRow[]> {
  const { dtype, reps } = opts;
  const h = image / 8;
  const w = image / 8;
  const N = h * w;
  const [q, k, v, n] = ['q', 'k', 'v', 'n'].map((name, i) => upload(device, `bench.${name}`, B * N * C, 100 + i, dtype));
  const o = storageBuffer(device, 'bench.o', B * N * C * bytesPerValue(dtype));
  const attention = new FlashAttention(device, { dtype, headDim: HEAD_DIM });
  const attentionV3 = new FlashAttention(device, { dtype, headDim: HEAD_DIM, version: 'v3' });
  const weights = Object.fromEntries(['wq', 'wk', 'wv'].map((name, i) => [name, seededValues(C * C, 200 + i, 1 / Math.sqrt(C))]));
  const site = new SelfAttentionSite(device, { dtype, C, heads: HEADS, weights: { wq: weights.wq, wk: weights.wk, wv: weights.wv }, label: 'bench.site' });
  site.reserve(B, N);
  const timer = PassTimer.create(device);
  const gpuMs: number[] = [];
  const rows: AttentionRow[] = [];
  for (const [label, s] of STRIDES) {
    const window: SaWindow = windowForStride(s, '2D_AVG', h, w, 0, 0);
    const M = window.active ? window.m : N;
    const runners = await ortRunners(ort, device, { B, N, M, heads: HEADS, headDim: HEAD_DIM, dtype });
    gpuMs.length = 0;
    const entries: Record<string, Entry> = {
      ours: async (last) => {
        const timed = last ? timer : null; // GPU timestamps of the last call of each sample
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass({ label: 'bench.attention', timestampWrites: timed?.writes });
        attention.encode(pass, { q: { buffer: q, ld: C }, k: { buffer: k, ld: C }, v: { buffer: v, ld: C }, o: { buffer: o, ld: C }, B, N, M, heads: HEADS });
        pass.end();
        timed?.resolveInto(enc);
        device.queue.submit([enc.finish()]);
        if (timed) gpuMs.push(await timed.readMs());
      },
      v3: () => {
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass({ label: 'bench.attention-v3' });
        attentionV3.encode(pass, { q: { buffer: q, ld: C }, k: { buffer: k, ld: C }, v: { buffer: v, ld: C }, o: { buffer: o, ld: C }, B, N, M, heads: HEADS });
        pass.end();
        device.queue.submit([enc.finish()]);
      },
      site: () => {
        const enc = device.createCommandEncoder();
        site.encode(enc, { n, B, h, w, window });
        device.queue.submit([enc.finish()]);
      },
    };
    for (const kind of ORT_KINDS) {
      const r = runners[kind];
      if (typeof r !== 'string') entries[kind] = () => r.run(q, k, v);
    }
    const t = await interleaved(device, reps, entries);
    for (const r of Object.values(runners)) if (typeof r !== 'string') await r.release();
    const ortTiming = Object.fromEntries(ORT_KINDS.map((kind) => [kind, typeof runners[kind] === 'string' ? runners[kind] : t[kind]])) as Record<OrtAttentionKind, Timing>;
    rows.push({ image, N, window: label, M, ours: t.ours as number, oursGpu: gpuMs.length > 1 ? median(gpuMs.slice(1)) : undefined, site: t.site as number, v3: t.v3, ort: ortTiming });
    console.error(`  ${image}² ${label}: ours ${fmt(t.ours as number)} ms, v3 ${typeof t.v3 === 'number' ? fmt(t.v3) : t.v3}`);
  }
  timer?.destroy();
  attention.destroy();
  attentionV3.destroy();
  site.destroy();
  for (const b of [q, k, v, n, o]) b.destroy();
  return rows;
}

async function benchMatMul(device: GPUDevice, image: number, opts: KernelBenchOptions): Promise<string> {
  const rows = B * (image / 8) ** 2;
  const x = upload(device, 'bench.x', rows * C, 300, opts.dtype);
  const wq = upload(device, 'bench.w', C * 3 * C, 301, opts.dtype);
  const y = storageBuffer(device, 'bench.y', rows * 3 * C * bytesPerValue(opts.dtype));
  const shape = { rows, k: C, ncols: 3 * C };
  const kernels = Object.fromEntries((['naive', 'tiled'] as MatMulVersion[]).map((version) => [version, new MatMul(device, { dtype: opts.dtype, version })]));
  const t = await interleaved(
    device,
    opts.reps,
    Object.fromEntries(
      Object.entries(kernels).map(([name, mm]) => [
        name,
        () => {
          const enc = device.createCommandEncoder();
          const pass = enc.beginComputePass();
          mm.encode(pass, { x, w: wq, y }, shape);
          pass.end();
          device.queue.submit([enc.finish()]);
        },
      ]),
    ),
  );
  for (const mm of Object.values(kernels)) mm.destroy();
  for (const b of [x, wq, y]) b.destroy();
  const flops = MatMul.flops(shape);
  const cell = (x: Timing) => (typeof x === 'string' ? `${x} | –` : `${fmt(x)} | ${gflops(flops, x)}`);
  return `| ${rows}×${C} · ${C}×${3 * C} (fused QKV, ${image}²) | ${cell(t.naive)} | ${cell(t.tiled)} |`;
}

/** Times FlashAttention tilings at stride 1 of `image` (distinct tilings only). */
async function tuneAttention(device: GPUDevice, image: number, opts: KernelBenchOptions): Promise<string[]> {
  const N = (image / 8) ** 2;
  const [q, k, v] = ['q', 'k', 'v'].map((name, i) => upload(device, `tune.${name}`, B * N * C, 400 + i, opts.dtype));
  const o = storageBuffer(device, 'tune.o', B * N * C * bytesPerValue(opts.dtype));
  const kernels = new Map<string, FlashAttention>();
  const limit = device.limits.maxComputeWorkgroupStorageSize;
  for (const workgroupSize of [32, 64, 128, 256]) {
    for (const workgroupBytes of [8192, 16384, 24576, limit]) {
      if (workgroupBytes > limit || workgroupSize > device.limits.maxComputeInvocationsPerWorkgroup) continue;
      try {
        const a = new FlashAttention(device, { dtype: opts.dtype, headDim: HEAD_DIM, workgroupSize, workgroupBytes });
        const t = a.tiling;
        kernels.set(`${t.split * t.queries} threads, split ${t.split}, ${t.queries} queries × ${t.keys} keys`, a);
      } catch {
        // this budget cannot hold a tile
      }
    }
  }
  const entries = Object.fromEntries(
    [...kernels].map(([name, a]) => [
      name,
      () => {
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        a.encode(pass, { q: { buffer: q, ld: C }, k: { buffer: k, ld: C }, v: { buffer: v, ld: C }, o: { buffer: o, ld: C }, B, N, M: N, heads: HEADS });
        pass.end();
        device.queue.submit([enc.finish()]);
      },
    ]),
  );
  const t = await interleaved(device, opts.reps, entries);
  for (const a of kernels.values()) a.destroy();
  for (const b of [q, k, v, o]) b.destroy();
  const flops = FlashAttention.flops(B, N, N, HEADS, HEAD_DIM);
  return Object.entries(t).map(([name, ms]) => `| ${image}² | ${name} | ${typeof ms === 'number' ? `${fmt(ms)} | ${gflops(flops, ms)}` : `${ms} | –`} |`);
}

function attentionTable(rows: AttentionRow[]): string[] {
  const lines = [
    '| image | N | window | M | ours attention ms | GFLOP/s | GPU ms | v3 ms | whole site ms | ORT MatMul–Softmax–MatMul ms | ORT MultiHeadAttention ms | best ORT same M ÷ ours | best ORT stride 1 ÷ ours |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const best = (r: AttentionRow) => Math.min(...Object.values(r.ort).filter((x): x is number => typeof x === 'number'));
  for (const r of rows) {
    const flops = FlashAttention.flops(B, r.N, r.M, HEADS, HEAD_DIM);
    const full = rows.find((x) => x.image === r.image && x.M === x.N);
    const ratio = (ort: number) => (Number.isFinite(ort) ? `${(ort / r.ours).toFixed(2)}×` : '–');
    const ortCell = (x: Timing) => (typeof x === 'number' ? fmt(x) : x);
    lines.push(
      `| ${r.image}² | ${r.N} | ${r.window} | ${r.M} | ${fmt(r.ours)} | ${gflops(flops, r.ours)} | ${r.oursGpu === undefined ? '–' : fmt(r.oursGpu)} | ${typeof r.v3 === 'number' ? fmt(r.v3) : r.v3} | ${fmt(r.site)} | ${ortCell(r.ort['matmul-softmax'])} | ${ortCell(r.ort.mha)} | ${ratio(best(r))} | ${full ? ratio(best(full)) : '–'} |`,
    );
  }
  return lines;
}

/** Keeps the GPU busy for `ms` so clocks leave their idle state before anything is timed. */
async function warmUp(device: GPUDevice, ms: number, dtype: TensorDType): Promise<void> {
  const N = 4096;
  const [q, o] = ['q', 'o'].map((name, i) => upload(device, `warm.${name}`, B * N * C, 500 + i, dtype));
  const a = new FlashAttention(device, { dtype, headDim: HEAD_DIM });
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    const view = { buffer: q, ld: C };
    a.encode(pass, { q: view, k: view, v: view, o: { buffer: o, ld: C }, B, N, M: N, heads: HEADS });
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  }
  a.destroy();
  q.destroy();
  o.destroy();
}

export async function runKernelBench({ device, report }: GpuContext, opts: KernelBenchOptions): Promise<void> {
  const ort = opts.ort ? await loadOrt(ortWasmDir()) : undefined;
  if (!report.isFallbackAdapter) await warmUp(device, 3000, opts.dtype);
  HEAD_DIM = opts.headDim ?? 40;
  HEADS = Math.round(320 / HEAD_DIM);
  C = HEADS * HEAD_DIM;
  const rows: AttentionRow[] = [];
  const mm: string[] = [];
  const tune: string[] = [];
  for (const image of opts.sizes) {
    rows.push(...(await benchImage(device, ort, image, opts)));
    mm.push(await benchMatMul(device, image, opts));
    if (opts.tune) tune.push(...(await tuneAttention(device, image, opts)));
  }
  const adapter = [report.vendor, report.architecture, report.description].filter(Boolean).join(' / ');
  console.log(`\n### Kernel benchmark — ${adapter}${report.isFallbackAdapter ? ' (fallback adapter)' : ''}`);
  console.log(`${HEAD_DIM === 64 ? 'SD2.x' : HEAD_DIM === 40 ? 'SD1.5' : 'Custom'} level 0: B=${B}, C=${C}, ${HEADS} heads × ${HEAD_DIM}, ${opts.dtype}; SA windows 2D avg, blend 0; per-call medians of ${opts.reps} samples of back-to-back calls (≥ ${SAMPLE_MS} ms each) after 1 warm-up run each (and 3 s of GPU load first on real GPUs, so clocks have ramped up).`);
  console.log(`Attention GFLOP/s count 4·B·heads·N·M·d. Ratios > 1: ours is faster.\n`);
  console.log(attentionTable(rows).join('\n'));
  if (tune.length) console.log(`\n| image | attention tiling (stride 1) | ms | GFLOP/s |\n|---|---|---|---|\n${tune.join('\n')}`);
  console.log(`\n| MatMul | v1 naive ms | GFLOP/s | v2 tiled ms | GFLOP/s |\n|---|---|---|---|---|\n${mm.join('\n')}`);
}

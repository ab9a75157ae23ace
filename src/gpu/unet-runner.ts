// Runs a split U-Net on the GPU: onnxruntime-web WebGPU sessions for the segments and our site
// kernels in between, all on one GPUDevice. Float tensors stay in GPU buffers from the first
// segment to `out_sample`; int64/bool shape tensors cross segments on the CPU.
import type { SaWindow } from '../sa/schedule.ts';
import type { AttnSite } from '../onnx/sites.ts';
import { crossesOnGpu, type SplitUnet } from '../onnx/surgery.ts';
import { createSession, runSession, type Ort, type OrtSession, type OrtTensor } from './ort.ts';
import { align16, STORAGE_USAGE } from './buffers.ts';
import { SelfAttentionSite, SITE_PARTS, SITE_TIMESTAMPS } from './site.ts';
import { variantDType, type StorageVariant } from './kernels/dtype.ts';
import { projectionBias, projectionWeight } from '../onnx/sites.ts';
import type { LoadedModel } from '../onnx/model-file.ts';
import { siteTensorDType } from './kernel-check.ts';
import type { AttentionKernelOptions } from './kernels/attention.ts';
import { addSitePartTimes, type SitePartTimes, type StepTimings } from './sd-backend.ts';

/** One attn1 site on the GPU: o = attention(n) with the site's own Q/K/V weights. */
export interface SiteKernel {
  /** how the site stores its tensors ('f32', 'f16-packed', 'f16-native') */
  readonly variant: StorageVariant;
  /**
   * Submits o = attention(n) on the device queue. n: [B, h·w, C] (borrowed, ORT's); o: [B, h·w, C]
   * (borrowed, the runner's). GPU kernels resolve as soon as the work is submitted.
   */
  run(n: GPUBuffer, o: GPUBuffer, grid: { B: number; h: number; w: number }, window: SaWindow, timed?: boolean): Promise<SitePartTimes | void>;
  destroy(): void;
}

export type SiteKernelFactory = (site: AttnSite) => SiteKernel;

export interface UnetRunOptions {
  /** the site's grid for a token count N (from the latent size and the site's level) */
  gridOf: (site: AttnSite, N: number) => { h: number; w: number };
  windowOf: (site: AttnSite) => SaWindow;
  /** wait for the GPU after every segment and site to attribute time (slower) */
  profile?: boolean;
  /** checked before every segment: an aborted signal stops the call with `onAbort()`'s error */
  signal?: AbortSignal;
  onAbort?: () => Error;
}

export class UnetRunner {
  private readonly kernels: SiteKernel[];
  /** o buffers by byte size, reused across sites and steps (owned here) */
  private readonly oBuffers = new Map<number, GPUBuffer[]>();
  live = 0;

  private constructor(
    private readonly ort: Ort,
    private readonly device: GPUDevice,
    readonly split: SplitUnet,
    private readonly sessions: OrtSession[],
    makeKernel: SiteKernelFactory,
  ) {
    this.kernels = split.sites.map(makeKernel);
  }

  /** Creates the segment sessions one after another (the native EP refuses parallel creation). */
  static async create(ort: Ort, device: GPUDevice, split: SplitUnet, makeKernel: SiteKernelFactory): Promise<UnetRunner> {
    const sessions: OrtSession[] = [];
    try {
      for (const seg of split.segments) {
        const outputLocation = Object.fromEntries(seg.outputs.map((t) => [t.name, crossesOnGpu(t) ? ('gpu-buffer' as const) : ('cpu' as const)]));
        sessions.push(await createSession(ort, device, seg.model, { outputLocation, externalData: split.externalData }));
      }
    } catch (e) {
      for (const s of sessions) await s.release();
      throw e;
    }
    return new UnetRunner(ort, device, split, sessions, makeKernel);
  }

  private takeBuffer(bytes: number): GPUBuffer {
    const size = align16(bytes);
    const free = this.oBuffers.get(size);
    const b = free?.pop() ?? this.device.createBuffer({ label: 'UnetRunner.o', size, usage: STORAGE_USAGE });
    this.live++;
    return b;
  }

  private giveBuffer(b: GPUBuffer): void {
    const list = this.oBuffers.get(b.size) ?? [];
    list.push(b);
    this.oBuffers.set(b.size, list);
    this.live--;
  }

  /**
   * One U-Net call. `feeds` are the model's inputs (borrowed). Returns the graph outputs, which
   * the caller must dispose(); timings are zero unless `profile`.
   */
  async run(feeds: Record<string, OrtTensor>, opts: UnetRunOptions): Promise<{ outputs: Record<string, OrtTensor>; timings: StepTimings }> {
    const { split } = this;
    const held = new Map<string, { t: OrtTensor; own?: GPUBuffer }>();
    for (const [k, t] of Object.entries(feeds)) held.set(k, { t });
    const timings: StepTimings = { ortMs: 0, siteMs: 0 };
    const release = (step: number) => {
      for (const [name, h] of held) {
        if (name in feeds || split.graphOutputs.includes(name)) continue;
        if ((split.lastUse.get(name) ?? -1) <= step) {
          if (h.own) this.giveBuffer(h.own);
          else h.t.dispose();
          held.delete(name);
        }
      }
    };
    const timed = async (key: 'ortMs' | 'siteMs', fn: () => Promise<void>) => {
      const t0 = performance.now();
      await fn();
      if (opts.profile) {
        await this.device.queue.onSubmittedWorkDone();
        timings[key] += performance.now() - t0;
      }
    };
    try {
      for (let j = 0; j < split.segments.length; j++) {
        const seg = split.segments[j];
        if (opts.signal?.aborted) throw opts.onAbort?.() ?? new Error('U-Net call aborted.');
        await timed('ortMs', async () => {
          const inputs = Object.fromEntries(seg.inputs.map((t) => [t.name, held.get(t.name)!.t]));
          const out = await runSession(this.sessions[j], inputs);
          for (const [k, v] of Object.entries(out)) held.set(k, { t: v });
        });
        release(2 * j);
        const site = split.sites[j];
        if (!site) break;
        await timed('siteMs', async () => this.runSite(site, held, opts, timings));
        release(2 * j + 1);
      }
      const outputs = Object.fromEntries(split.graphOutputs.map((o) => [o, held.get(o)!.t]));
      for (const o of split.graphOutputs) held.delete(o);
      return { outputs, timings };
    } finally {
      for (const [name, h] of held) {
        if (name in feeds) continue;
        if (h.own) this.giveBuffer(h.own);
        else h.t.dispose();
      }
    }
  }

  private async runSite(site: AttnSite, held: Map<string, { t: OrtTensor; own?: GPUBuffer }>, opts: UnetRunOptions, timings: StepTimings): Promise<void> {
    const n = held.get(site.input)!.t;
    const [B, N, C] = n.dims as number[];
    const { h, w } = opts.gridOf(site, N);
    if (h * w !== N) throw new Error(`${site.name}: grid ${h}×${w} does not match its ${N} tokens.`);
    const kernel = this.kernels[site.index];
    const expected = variantDType(kernel.variant) === 'f32' ? 'float32' : 'float16';
    if (n.type !== expected) throw new Error(`${site.name}: its input ${site.input} is ${n.type}, but the site's kernels store ${expected} (${kernel.variant}).`);
    const bytesPer = n.type === 'float16' ? 2 : 4;
    const o = this.takeBuffer(B * N * C * bytesPer);
    const parts = await kernel.run(n.gpuBuffer as GPUBuffer, o, { B, h, w }, opts.windowOf(site), opts.profile);
    if (parts) timings.siteParts = addSitePartTimes(timings.siteParts, parts);
    const t = this.ort.Tensor.fromGpuBuffer(o, { dataType: n.type as 'float32' | 'float16', dims: [B, N, C] });
    held.set(site.output, { t, own: o });
  }

  async release(): Promise<void> {
    for (const s of this.sessions) await s.release();
    for (const k of this.kernels) k.destroy();
    for (const list of this.oBuffers.values()) for (const b of list) b.destroy();
    this.oBuffers.clear();
  }
}

/**
 * Our WGSL site kernels (src/gpu/site.ts) for every site, weights read from the model once. Each
 * site stores its tensors in the type that crosses it in the graph (site.dataType), on the path
 * `variants[site.index]` (from planSiteKernels, src/gpu/kernel-check.ts), with the attention
 * kernel `attention` selects (default v2; the plan checked the same one).
 */
export function gpuSiteKernels(device: GPUDevice, loaded: LoadedModel, variants: readonly StorageVariant[], attention?: AttentionKernelOptions): SiteKernelFactory {
  const canTime = device.features.has('timestamp-query');
  return (site) => {
    const variant = variants[site.index];
    const dtype = variantDType(variant);
    if (dtype !== siteTensorDType(site)) throw new Error(`${site.name}: planned ${variant} kernels for a ${siteTensorDType(site)} site.`);
    const s = new SelfAttentionSite(device, {
      label: site.name,
      C: site.channels,
      heads: site.heads,
      dtype,
      f16Path: variant === 'f16-native' ? 'native' : 'packed',
      attention,
      weights: {
        wq: projectionWeight(loaded, site, site.q),
        wk: projectionWeight(loaded, site, site.k),
        wv: projectionWeight(loaded, site, site.v),
        bq: projectionBias(loaded, site, site.q),
        bk: projectionBias(loaded, site, site.k),
        bv: projectionBias(loaded, site, site.v),
      },
    });
    let timer: SiteTimer | undefined;
    return {
      variant,
      async run(n, o, { B, h, w }, window, timed) {
        const enc = device.createCommandEncoder({ label: site.name });
        if (timed && canTime) timer ??= new SiteTimer(device, site.name);
        const querySet = timed ? timer?.querySet : undefined;
        s.encode(enc, { n, B, h, w, window, out: o, timestamps: querySet });
        if (querySet) timer!.resolve(enc);
        device.queue.submit([enc.finish()]);
        if (!querySet) return undefined;
        const parts = await timer!.read();
        return window.active ? parts : { ...parts, pool: 0 }; // no pooling pass ran
      },
      destroy: () => {
        s.destroy();
        timer?.destroy();
      },
    };
  };
}

/** The query set a timed site writes, and the buffers its timestamps are read back through (owned). */
class SiteTimer {
  readonly querySet: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly readback: GPUBuffer;

  constructor(device: GPUDevice, label: string) {
    const bytes = SITE_TIMESTAMPS * 8;
    this.querySet = device.createQuerySet({ label: `${label}.timestamps`, type: 'timestamp', count: SITE_TIMESTAMPS });
    this.resolved = device.createBuffer({ label: `${label}.timestamps.resolve`, size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readback = device.createBuffer({ label: `${label}.timestamps.read`, size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Resolves the site's timestamps after it (in the same encoder) and copies them for reading. */
  resolve(enc: GPUCommandEncoder): void {
    enc.resolveQuerySet(this.querySet, 0, SITE_TIMESTAMPS, this.resolved, 0);
    enc.copyBufferToBuffer(this.resolved, 0, this.readback, 0, SITE_TIMESTAMPS * 8);
  }

  /** ns timestamps → ms per part; a part whose end is not after its begin counts 0. */
  async read(): Promise<SitePartTimes> {
    await this.readback.mapAsync(GPUMapMode.READ);
    const t = new BigUint64Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    const ms = (i: number) => (t[2 * i + 1] > t[2 * i] ? Number(t[2 * i + 1] - t[2 * i]) / 1e6 : 0);
    const [pool, project, attention] = SITE_PARTS.map((_, i) => ms(i));
    return { pool, project, attention };
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolved.destroy();
    this.readback.destroy();
  }
}

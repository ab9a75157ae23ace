// Runs a split U-Net on onnxruntime-node's CPU EP with a CPU site function between segments:
// the exact reference the GPU pipeline is compared with (tests and `unet-step` verification).
import * as ortNode from 'onnxruntime-node';
import type { SaWindow } from '../../sa/schedule.ts';
import { siteReference } from '../../gpu/kernels/reference.ts';
import { fromHalf, toHalf } from '../float16.ts';
import { projectionBias, projectionWeight, type AttnSite } from '../sites.ts';
import type { SplitUnet } from '../surgery.ts';

export type CpuTensor = ortNode.Tensor;

export interface CpuSplitRunner {
  run(feeds: Record<string, CpuTensor>, windowOf: (site: AttnSite, N: number) => { window: SaWindow; h: number; w: number }): Promise<Record<string, CpuTensor>>;
  release(): Promise<void>;
}

function asF32(data: Float32Array | Uint16Array): Float32Array {
  return data instanceof Uint16Array ? fromHalf(data) : data;
}

/** Creates one CPU session per segment (one after another) and returns a runner. */
export async function createCpuSplitRunner(split: SplitUnet): Promise<CpuSplitRunner> {
  const externalData = split.externalData.map((b) => ({ path: b.path, data: b.data }));
  const sessions: ortNode.InferenceSession[] = [];
  for (const seg of split.segments) sessions.push(await ortNode.InferenceSession.create(seg.model, { externalData }));
  const bias = (s: AttnSite, w: AttnSite['q']) => {
    const b = projectionBias(split.loaded, s, w);
    return b && asF32(b);
  };
  const weights = split.sites.map((s) => ({
    q: asF32(projectionWeight(split.loaded, s, s.q)),
    k: asF32(projectionWeight(split.loaded, s, s.k)),
    v: asF32(projectionWeight(split.loaded, s, s.v)),
    bq: bias(s, s.q),
    bk: bias(s, s.k),
    bv: bias(s, s.v),
  }));
  return {
    async run(feeds, windowOf) {
      const live = new Map<string, CpuTensor>(Object.entries(feeds));
      for (let j = 0; j < split.segments.length; j++) {
        const seg = split.segments[j];
        const inputs = Object.fromEntries(seg.inputs.map((t) => [t.name, live.get(t.name)!]));
        const out = await sessions[j].run(inputs);
        for (const [k, v] of Object.entries(out)) live.set(k, v);
        const site = split.sites[j];
        if (!site) break;
        const nT = live.get(site.input)!;
        const [B, N, C] = nT.dims as number[];
        const { window, h, w } = windowOf(site, N);
        const half = nT.type === 'float16';
        const n = half ? fromHalf(nT.data as Uint16Array) : (nT.data as Float32Array);
        const W = weights[site.index];
        const o = siteReference(n, B, h, w, C, site.heads, W.q, W.k, W.v, window, { bq: W.bq, bk: W.bk, bv: W.bv });
        live.set(site.output, half ? new ortNode.Tensor('float16', toHalf(o), [B, N, C]) : new ortNode.Tensor('float32', o, [B, N, C]));
      }
      return Object.fromEntries(split.graphOutputs.map((o) => [o, live.get(o)!]));
    },
    async release() {
      for (const s of sessions) await s.release();
    },
  };
}

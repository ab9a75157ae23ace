// Kernel-vs-reference runs shared by the GPU tests (Dawn on SwiftShader) and the device check of
// bench/kernels.ts (a real adapter, where the `enable f16` variant can run too). Each returns the
// GPU result and its CPU reference; the caller compares with assertClose and TOLERANCES.
import { readBuffer, storageBuffer, uploadBuffer } from '../buffers.ts';
import type { SaWindow } from '../../sa/index.ts';
import { SelfAttentionSite, type SiteWeights } from '../site.ts';
import { FlashAttention, type AttentionKernelOptions, type AttentionTiling } from './attention.ts';
import type { AttentionV3Tiling } from './attention-v3.ts';

export type { AttentionKernelOptions } from './attention.ts';
import { MatMul } from './matmul.ts';
import { PoolKv, sharesKv } from './pool-kv.ts';
import { poolTokens, windowLabel, type SaActiveWindow } from '../../sa/index.ts';
import { seededValues, type Tolerance } from './check.ts';
import type { F16Path, TensorDType } from './dtype.ts';
import { fromHalf, roundToHalf, toHalf } from './half.ts';
import { attentionReference, matmulReference, siteReference, type AttentionDims } from './reference.ts';

/**
 * f32: 1e-5 + |ref|·1e-4 (f32 sums over ≤ a few hundred terms against an f64 reference; seen
 * ≤ 7e-7). f16: inputs and weights are f16 values for the reference too, and the reference rounds
 * every tensor the kernels store (pooled K/V inputs, q, k, v, o) to f16 like the GPU; what remains
 * is f32 summation order flipping a rounding by one f16 ulp (2^-11 relative) and its effect
 * through the softmax (seen ≤ 1.2e-4 at |o| ≈ 0.25): 1e-3 + |ref|·2e-3.
 */
export const TOLERANCES: Record<TensorDType, Tolerance> = { f32: { tol: 1e-5, eps: 1e-4 }, f16: { tol: 1e-3, eps: 2e-3 } };

export interface Verified {
  label: string;
  got: Float32Array;
  ref: Float32Array;
  /** the attention kernel that ran, where one did ('v2', 'v3/subgroup', 'v3/workgroup') */
  attention?: string;
}

const identity = (t: Float32Array) => t;
const rounding = (dtype: TensorDType) => (dtype === 'f16' ? roundToHalf : identity);

function upload(device: GPUDevice, label: string, values: Float32Array, dtype: TensorDType): GPUBuffer {
  return uploadBuffer(device, label, dtype === 'f16' ? toHalf(values) : values);
}

async function download(device: GPUDevice, buf: GPUBuffer, count: number, dtype: TensorDType): Promise<Float32Array> {
  const bytes = await readBuffer(device, buf, count * (dtype === 'f16' ? 2 : 4));
  return dtype === 'f16' ? fromHalf(new Uint16Array(bytes)) : new Float32Array(bytes);
}

/** FlashAttention on seeded q, k, v: [B, N|M, heads·d] (f16: f16-valued inputs); `kernel` picks the version. */
export async function verifyAttention(
  device: GPUDevice,
  dims: AttentionDims,
  dtype: TensorDType,
  f16Path: F16Path = 'packed',
  kernel: AttentionKernelOptions = {},
): Promise<Verified & { tiling: AttentionTiling; v3?: AttentionV3Tiling }> {
  const { B, N, M, heads, headDim } = dims;
  const C = heads * headDim;
  const round = rounding(dtype);
  const q = round(seededValues(B * N * C, 11 + N, 1.5));
  const k = round(seededValues(B * M * C, 12 + M, 1.5));
  const v = round(seededValues(B * M * C, 13 + M, 1));
  const attn = new FlashAttention(device, { ...kernel, dtype, f16Path, headDim });
  const bufs = [upload(device, 'q', q, dtype), upload(device, 'k', k, dtype), upload(device, 'v', v, dtype)];
  const o = storageBuffer(device, 'o', B * N * C * (dtype === 'f16' ? 2 : 4));
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  const [qb, kb, vb] = bufs.map((buffer) => ({ buffer, ld: C }));
  attn.encode(pass, { q: qb, k: kb, v: vb, o: { buffer: o, ld: C }, B, N, M, heads });
  pass.end();
  device.queue.submit([enc.finish()]);
  const got = await download(device, o, B * N * C, dtype);
  attn.destroy();
  for (const b of [...bufs, o]) b.destroy();
  const t = attn.v3 ? ` (${attn.v3.reduction}, ${attn.v3.rows} rows × 1/${attn.v3.split} of d, ${attn.v3.keys}-key tiles)` : '';
  const label = `attention ${attn.version} ${attn.variant} d=${headDim} B=${B} N=${N} M=${M} heads=${heads}${t}`;
  return { label, got, ref: attentionReference(q, k, v, dims), tiling: attn.tiling, v3: attn.v3 };
}

/** MatMul (tiled) on seeded x [rows, k], w [k, ncols] and bias (f16: f16-valued inputs); the reference rounds y like the kernel. */
export async function verifyMatMul(device: GPUDevice, rows: number, k: number, ncols: number, bias: boolean, dtype: TensorDType, f16Path: F16Path = 'packed'): Promise<Verified> {
  const round = rounding(dtype);
  const x = round(seededValues(rows * k, 1 + rows, 1));
  const w = round(seededValues(k * ncols, 2 + ncols, 0.5));
  const b = bias ? round(seededValues(ncols, 3, 1)) : undefined;
  const mm = new MatMul(device, { dtype, f16Path, bias });
  const bufs = { x: upload(device, 'x', x, dtype), w: upload(device, 'w', w, dtype), bias: b && upload(device, 'b', b, dtype), y: storageBuffer(device, 'y', rows * ncols * (dtype === 'f16' ? 2 : 4)) };
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  mm.encode(pass, bufs, { rows, k, ncols });
  pass.end();
  device.queue.submit([enc.finish()]);
  const got = await download(device, bufs.y, rows * ncols, dtype);
  mm.destroy();
  for (const buf of Object.values(bufs)) buf?.destroy();
  return { label: `matmul ${mm.variant} ${rows}×${k}·${k}×${ncols}${bias ? '+b' : ''}`, got, ref: round(matmulReference(x, w, rows, k, ncols, b)) };
}

/** PoolKv on seeded n [B, h·w, C] for one window: K and V inputs, each against poolTokens (rounded like the kernel's stores). */
export async function verifyPool(device: GPUDevice, B: number, h: number, w: number, C: number, win: SaActiveWindow, dtype: TensorDType, f16Path: F16Path = 'packed'): Promise<Verified[]> {
  const round = rounding(dtype);
  const n = round(seededValues(B * h * w * C, h * 100 + w, 2));
  const pool = new PoolKv(device, { dtype, f16Path });
  const bytes = B * win.m * C * (dtype === 'f16' ? 2 : 4);
  const [nb, k, v] = [upload(device, 'n', n, dtype), storageBuffer(device, 'k', bytes), storageBuffer(device, 'v', bytes)];
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  const M = pool.encode(pass, { n: nb, k, v }, { B, h, w, C }, win);
  pass.end();
  device.queue.submit([enc.finish()]);
  const ref = poolTokens(n, B, h, w, C, win);
  const label = `pool ${pool.variant} ${h}×${w} C=${C} ${windowLabel(win)}`;
  const out = [
    { label: `${label} K`, got: await download(device, k, B * M * C, dtype), ref: round(ref.k) },
    { label: `${label} V`, got: await download(device, sharesKv(win) ? k : v, B * M * C, dtype), ref: round(ref.v) },
  ];
  pool.destroy();
  for (const b of [nb, k, v]) b.destroy();
  return out;
}

export interface SiteCase {
  dtype: TensorDType;
  f16Path?: F16Path;
  B: number;
  h: number;
  w: number;
  C: number;
  heads: number;
  bias: boolean;
  windows: SaWindow[];
  /** the attention kernel's version and tuning (default v2) */
  attention?: AttentionKernelOptions;
}

/** A SelfAttentionSite on seeded n and weights (f16 sites get raw half bits), one result per window. */
export async function verifySite(device: GPUDevice, c: SiteCase): Promise<Verified[]> {
  const { dtype, B, h, w, C, heads } = c;
  const N = h * w;
  const round = rounding(dtype);
  const n = round(seededValues(B * N * C, 21 + N, 2));
  const [wq, wk, wv] = [31, 32, 33].map((s) => round(seededValues(C * C, s, 1 / Math.sqrt(C))));
  const [bq, bk, bv] = c.bias ? [41, 42, 43].map((s) => round(seededValues(C, s, 0.5))) : [];
  const half = (x?: Float32Array) => x && toHalf(x);
  const weights: SiteWeights = dtype === 'f16' ? { wq: toHalf(wq), wk: toHalf(wk), wv: toHalf(wv), bq: half(bq), bk: half(bk), bv: half(bv) } : { wq, wk, wv, bq, bk, bv };
  const site = new SelfAttentionSite(device, { dtype, f16Path: c.f16Path ?? 'packed', C, heads, weights, label: 'verify.attn1', attention: c.attention });
  const variant = site.variant;
  const nBuf = upload(device, 'n', n, dtype);
  const out: Verified[] = [];
  for (const window of c.windows) {
    const enc = device.createCommandEncoder();
    const o = site.encode(enc, { n: nBuf, B, h, w, window });
    device.queue.submit([enc.finish()]);
    const got = await download(device, o, B * N * C, dtype);
    const ref = siteReference(n, B, h, w, C, heads, wq, wk, wv, window, { bq, bk, bv, round });
    out.push({ label: `site ${site.attentionKernel} ${variant} ${h}×${w} C=${C}/${heads} ${windowLabel(window)}`, got, ref, attention: site.attentionKernel });
  }
  site.destroy();
  nBuf.destroy();
  return out;
}

export function window2d(h: number, w: number, sty: number, stx: number, mode: 'avg' | 'max', kBlend: number, vBlend: number): SaWindow {
  const [ho, wo] = [Math.floor(h / sty), Math.floor(w / stx)];
  return { active: true, kind: '2d', mode, sty, stx, ho, wo, m: ho * wo, kBlend, vBlend, s: sty * stx };
}

export const PLAIN_WINDOW: SaWindow = { active: false, reason: 'weak', s: 1 };

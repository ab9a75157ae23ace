// Attention v3 (shaders/attention_v3.wgsl): the tile it runs for a head_dim on a device, and its
// module text (body + one reduction of partial scores + the host-prepended consts). The dispatch,
// bindings and uniforms are v2's (FlashAttention in attention.ts runs both versions).
import source from '../../../shaders/attention_v3.wgsl?raw';
import subgroupReduction from '../../../shaders/attention_v3_subgroup.wgsl?raw';
import workgroupReduction from '../../../shaders/attention_v3_workgroup.wgsl?raw';
import { KernelConfigError, kernelSource, requireMultiple, type StorageVariant } from './dtype.ts';

/** How v3 adds the SPLIT partial scores of a query: subgroupShuffleXor, or through workgroup memory. */
export type AttentionReduction = 'subgroup' | 'workgroup';

export interface AttentionV3Tiling {
  /** threads per query (power of two); each owns headDim/split dims */
  split: number;
  /** queries per thread (register blocking) */
  rows: number;
  /** keys per tile (a multiple of 4) */
  keys: number;
  /** threads per workgroup */
  workgroupSize: number;
  reduction: AttentionReduction;
}

export interface AttentionV3Request {
  headDim: number;
  /** threads per workgroup (default 128) */
  workgroupSize?: number;
  /** workgroup memory to stay within (bytes) */
  workgroupBytes: number;
  /** 'subgroup' needs the device feature; default: 'subgroup' where available */
  reduction?: AttentionReduction;
  /** queries per thread (default 2, or 1 when a thread holds more than 20 dims) */
  rows?: number;
  /** the device has `subgroups` */
  subgroups: boolean;
  /** the adapter's smallest subgroup size (WebGPU guarantees ≥ 4) */
  subgroupMinSize: number;
}

/** Dims per thread above which a thread owns one query, not two (registers). */
const BLOCKED_DIMS4 = 5;
/** The most dims per thread any tiling allows (as v2: head dims valid for v2 are valid here). */
const MAX_DIMS4 = 10;
const KEY_TILES = [32, 16, 8, 4];
export const V3_DEFAULT_WORKGROUP_SIZE = 128;
/** v3's workgroup-memory budget when the caller gives none: 32-key tiles up to head_dim 64 with either reduction's needs. */
export const V3_DEFAULT_WORKGROUP_BYTES = 32 * 1024;

/** Workgroup memory of a v3 tile: K and V tiles (f32) + the workgroup reduction's scratch. */
export function v3WorkgroupBytes(headDim: number, t: Omit<AttentionV3Tiling, 'workgroupSize'> & { workgroupSize: number }): number {
  const scratch = t.reduction === 'workgroup' && t.split > 1 ? 4 * t.keys * t.rows * t.workgroupSize : 0;
  return 4 * 2 * t.keys * headDim + scratch;
}

/**
 * v3's tile for `headDim`: the smallest power-of-two split that gives ≤ 10 dims per thread, doubled
 * while a thread holds more than 5 and the split still divides the head (and, on the subgroup
 * path, stays within the smallest subgroup); 2 queries per thread at ≤ 5 dims; the largest key tile
 * of 32, 16, 8, 4 that fits the memory budget.
 */
export function attentionV3Tiling(r: AttentionV3Request): AttentionV3Tiling {
  const { headDim } = r;
  requireMultiple('head_dim', headDim, 4);
  const d4 = headDim / 4;
  const workgroupSize = r.workgroupSize ?? V3_DEFAULT_WORKGROUP_SIZE;
  let split = 1;
  while (d4 % split !== 0 || d4 / split > MAX_DIMS4) {
    split *= 2;
    if (split > workgroupSize || d4 % split !== 0) {
      throw new KernelConfigError(`head_dim ${headDim} cannot be split into ≤ ${4 * MAX_DIMS4} dims per thread in multiples of 4.`);
    }
  }
  const subgroupSplit = Math.min(8, r.subgroupMinSize);
  if (r.reduction === 'subgroup' && !r.subgroups) throw new KernelConfigError("reduction 'subgroup' needs a device created with the 'subgroups' feature; use 'workgroup'.");
  if (r.reduction === 'subgroup' && split > subgroupSplit) {
    throw new KernelConfigError(`head_dim ${headDim} needs ${split} threads per query, more than the smallest subgroup (${r.subgroupMinSize}): use reduction 'workgroup'.`);
  }
  const reduction: AttentionReduction = r.reduction ?? (r.subgroups && split <= subgroupSplit ? 'subgroup' : 'workgroup');
  const maxSplit = reduction === 'subgroup' ? subgroupSplit : Math.max(8, split);
  while (d4 / split > BLOCKED_DIMS4 && d4 % (2 * split) === 0 && 2 * split <= maxSplit) split *= 2;
  const rows = r.rows ?? (d4 / split <= BLOCKED_DIMS4 ? 2 : 1);
  if (!Number.isInteger(rows) || rows < 1 || rows > 4) throw new KernelConfigError(`attention v3 rows must be 1 to 4 queries per thread, got ${rows}.`);
  if (workgroupSize % split !== 0) throw new KernelConfigError(`attention v3: workgroup size ${workgroupSize} must be a multiple of the split ${split}.`);
  const keys = KEY_TILES.find((keys) => v3WorkgroupBytes(headDim, { split, rows, keys, workgroupSize, reduction }) <= r.workgroupBytes);
  if (keys === undefined) {
    throw new KernelConfigError(`attention v3, head_dim ${headDim}: even a 4-key tile needs more than ${r.workgroupBytes} bytes of workgroup memory; lower the workgroup size.`);
  }
  return { split, rows, keys, workgroupSize, reduction };
}

/** Queries one v3 workgroup owns. */
export function v3Queries(t: AttentionV3Tiling): number {
  return (t.workgroupSize / t.split) * t.rows;
}

/** Moves every `enable …;` directive of `code` to its top (WGSL wants them before any declaration). */
export function hoistDirectives(code: string): string {
  const directive = /^[ \t]*enable[ \t]+[\w, \t]+;[ \t]*$/gm;
  const found = code.match(directive) ?? [];
  return `${found.map((d) => d.trim()).join('\n')}\n${code.replace(directive, '')}`;
}

/** The v3 module for one storage variant and tile. */
export function attentionV3Source(variant: StorageVariant, headDim: number, t: AttentionV3Tiling): string {
  const d4 = headDim / 4;
  const consts: Record<string, number> = {
    HEAD_DIM: headDim,
    DIMS4: d4 / t.split,
    ROWS: t.rows,
    SPLIT: t.split,
    WG: t.workgroupSize,
    KEYS: t.keys,
    LOADS: Math.ceil((t.keys * d4) / t.workgroupSize),
    SCRATCH4: t.reduction === 'workgroup' && t.split > 1 ? t.rows * (t.keys / 4) * t.workgroupSize : 1,
  };
  const prelude = Object.entries(consts)
    .map(([name, value]) => `const ${name}: u32 = ${value}u;`)
    .join('\n');
  const reduction = t.reduction === 'subgroup' ? subgroupReduction : workgroupReduction;
  return hoistDirectives(kernelSource(variant, `${source}\n${reduction}`, prelude));
}

// The kernel self-check a model runs before its first generation: never trust an untested path on
// a user's machine. Every storage variant a model's sites will use ('f32', 'f16-packed',
// 'f16-native') runs once per distinct site shape (C, heads — the pipelines the model compiles
// anyway) on a small seeded input (B 1, 4×4 tokens, plain and a pooled 2×2 window with K ≠ V)
// and is compared with the CPU reference within the kernel tests' tolerances. A native-f16
// mismatch moves every f16 site to the packed path (u32 + unpack2x16float) and says so; a
// mismatch on a path with no alternative is reported as a warning (the images may be wrong).
import type { AttnSite } from '../onnx/sites.ts';
import { DataType } from '../onnx/proto.ts';
import { checkClose } from './kernels/check.ts';
import { KernelConfigError, variantDType, type F16Path, type StorageVariant, type TensorDType } from './kernels/dtype.ts';
import { PLAIN_WINDOW, TOLERANCES, verifySite, window2d } from './kernels/verify.ts';
import type { AttentionKernelOptions } from './kernels/attention.ts';

export interface KernelCheck {
  variant: StorageVariant;
  C: number;
  heads: number;
  /** the attention kernel the check ran (and the sites run): 'v2', 'v3/subgroup', 'v3/workgroup' */
  attention: string;
  ok: boolean;
  /** max |GPU − CPU reference| over the check's outputs */
  maxAbsError: number;
  /** the first mismatches, when not ok */
  first: string[];
  ms: number;
}

export interface SiteKernelPlan {
  /** the storage variant of every site, in site order */
  variants: StorageVariant[];
  checks: KernelCheck[];
  /** why native f16 (or v3's subgroup reduction) was not used although the device has it (the self-check failed) */
  fallback?: string;
  /** mismatches on paths with no alternative */
  warnings: string[];
  /** the attention kernel every site runs (opts.attention, or v3 moved to its workgroup reduction) */
  attention?: AttentionKernelOptions;
}

export interface KernelPlanOptions {
  /** force an f16 path (the CLI's --f16-path); default native where the device has shader-f16 */
  f16Path?: F16Path;
  /** test hook: this variant's check sees a corrupted GPU result (a forced mismatch) */
  forceMismatch?: StorageVariant;
  /** the attention kernel every site runs (default v2; { version: 'v3' } selects v3), checked here too */
  attention?: AttentionKernelOptions;
}

export function siteTensorDType(site: Pick<AttnSite, 'dataType'>): TensorDType {
  return site.dataType === DataType.FLOAT16 ? 'f16' : 'f32';
}

function variantOf(dtype: TensorDType, path: F16Path): StorageVariant {
  return dtype === 'f32' ? 'f32' : path === 'native' ? 'f16-native' : 'f16-packed';
}

/** Runs one variant on one site shape and compares it with siteReference. */
async function checkShape(device: GPUDevice, variant: StorageVariant, C: number, heads: number, opts: KernelPlanOptions): Promise<KernelCheck> {
  const t0 = performance.now();
  const dtype = variantDType(variant);
  const [h, w] = [4, 4];
  const results = await verifySite(device, {
    dtype,
    f16Path: variant === 'f16-native' ? 'native' : 'packed',
    B: 1,
    h,
    w,
    C,
    heads,
    bias: false,
    windows: [PLAIN_WINDOW, window2d(h, w, 2, 2, 'avg', 1, 0.5)],
    attention: opts.attention,
  });
  let ok = true;
  let maxAbsError = 0;
  const first: string[] = [];
  for (const r of results) {
    if (opts.forceMismatch === variant) r.got[0] += 1;
    const c = checkClose(r.got, r.ref, TOLERANCES[dtype], 3);
    ok &&= c.ok;
    maxAbsError = Math.max(maxAbsError, c.maxAbsError);
    if (!c.ok) first.push(`${r.label}: ${c.first.join('; ')}`);
  }
  return { variant, C, heads, attention: results[0]?.attention ?? '', ok, maxAbsError, first, ms: performance.now() - t0 };
}

/**
 * Checks each variant × distinct (C, heads) of `sites` once; a failed native check falls back to
 * packed, a failed v3 subgroup check (a device whose subgroup lanes do not follow the invocation
 * index) to v3's workgroup reduction.
 */
export async function planSiteKernels(device: GPUDevice, sites: readonly Pick<AttnSite, 'dataType' | 'channels' | 'heads'>[], opts: KernelPlanOptions = {}): Promise<SiteKernelPlan> {
  const hasF16 = device.features.has('shader-f16');
  if (opts.f16Path === 'native' && !hasF16) {
    throw new KernelConfigError("--f16-path native needs an adapter with 'shader-f16'; this one has none (use packed).");
  }
  let path: F16Path = opts.f16Path ?? (hasF16 ? 'native' : 'packed');
  let attention = opts.attention;
  let checks: KernelCheck[] = [];
  const warnings: string[] = [];
  const fallbacks: string[] = [];
  const run = async (dtype: TensorDType): Promise<KernelCheck[]> => {
    const variant = variantOf(dtype, path);
    const shapes = new Map(sites.filter((s) => siteTensorDType(s) === dtype).map((s) => [`${s.channels}/${s.heads}`, s]));
    const out: KernelCheck[] = [];
    for (const s of shapes.values()) out.push(await checkShape(device, variant, s.channels, s.heads, { ...opts, attention }));
    checks.push(...out);
    return out;
  };
  await run('f32');
  const badSubgroup = attention?.version === 'v3' && !attention.reduction && checks.find((c) => !c.ok && c.attention === 'v3/subgroup');
  if (badSubgroup) {
    fallbacks.push(`Attention v3's subgroup reduction gave wrong results on this GPU (max error ${badSubgroup.maxAbsError.toExponential(2)} at C ${badSubgroup.C}, ${badSubgroup.heads} heads); SA sites sum partial scores through workgroup memory instead.`);
    attention = { ...attention, reduction: 'workgroup' };
    checks = [];
    await run('f32');
  }
  const bad = (await run('f16')).find((c) => !c.ok);
  let nativeFailed = false;
  if (bad && path === 'native' && opts.f16Path !== 'native') {
    fallbacks.push(`The native f16 kernels (enable f16) gave wrong results on this GPU (max error ${bad.maxAbsError.toExponential(2)} at C ${bad.C}, ${bad.heads} heads); SA sites use packed f16 (u32 + unpack2x16float) instead.`);
    nativeFailed = true;
    path = 'packed';
    await run('f16');
  }
  for (const c of checks.filter((x) => !x.ok && !(nativeFailed && x.variant === 'f16-native'))) {
    warnings.push(`The ${c.variant} SA kernels differ from the CPU reference on this GPU (max error ${c.maxAbsError.toExponential(2)} at C ${c.C}, ${c.heads} heads): images may be wrong.`);
  }
  const fallback = fallbacks.length ? fallbacks.join(' ') : undefined;
  return { variants: sites.map((s) => variantOf(siteTensorDType(s), path)), checks, fallback, warnings, attention };
}

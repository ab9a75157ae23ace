// Markdown for bench/suite.ts: the adapter, the setup, then P1/P3 per size, P4 memory, P5.
import type { GpuContext } from '../src/gpu/device.ts';
import { describeAdapter } from '../src/cli/gpu.ts';
import { mib } from './suite-memory.ts';
import { CANDIDATES, median, type SuiteOptions, type SuiteResult, type UnetUnderTest } from './suite-run.ts';

const NAMES = { unsplit: 'unsplit ORT', off: 'split, SA off', sa: 'split, default SA' } as const;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toPrecision(3));
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(3) : '—');

export function formatSuite(ctx: GpuContext, u: UnetUnderTest, o: SuiteOptions, r: SuiteResult, seconds: number): string {
  const L: string[] = [];
  L.push(`### Bench suite — ${describeAdapter(ctx)}`, '');
  L.push(`U-Net: ${u.name}, ${r.sites} attn1 sites (${r.style}); batch ${o.batch}; SA = default params at t = ${o.timestep}; ` +
    `median of ${o.reps} after ${o.warmup} warm-up, candidates interleaved; wall ms per U-Net call (inputs uploaded, out_sample read back). Run took ${seconds.toFixed(0)} s.`, '');
  L.push('| size | active SA sites | unsplit ORT ms | split SA off ms | split default SA ms | P1 off ÷ unsplit (≤ 1.03) | P3 unsplit ÷ SA | P3 off ÷ SA |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const s of r.sizes) {
    if (s.error && !s.ms.sa.length) {
      L.push(`| ${s.size}² | ${s.activeSites}/${r.sites} | failed: ${s.error.slice(0, 60)} | | | | | |`);
      continue;
    }
    const [a, b, c] = CANDIDATES.map((k) => median(s.ms[k]));
    L.push(`| ${s.size}² | ${s.activeSites}/${r.sites} | ${fmt(a)} | ${fmt(b)} | ${fmt(c)} | ${ratio(b, a)} | ${ratio(a, c)}× | ${ratio(b, c)}× |`);
  }
  L.push('', `P4 GPU memory (MiB; every buffer created on the shared device, ours = labelled by our modules, ORT = the rest). ` +
    `Held after creating the sessions: unsplit ${mib(r.resident.unsplit.live)} (ORT ${mib(r.resident.unsplit.ort)}), split ${mib(r.resident.split.live)} (ours ${mib(r.resident.split.ours)}, ORT ${mib(r.resident.split.ort)}); ` +
    `held by both after all runs (weights + ORT's buffer cache): ${mib(r.resident.afterRuns.live)} (ours ${mib(r.resident.afterRuns.ours)}, ORT ${mib(r.resident.afterRuns.ort)}); ` +
    `**peak held at any moment (both models loaded, P5 included): ${mib(r.resident.peakEver.live)}** (ours ${mib(r.resident.peakEver.ours)}, ORT ${mib(r.resident.peakEver.ort)}). ` +
    'Peak during one timed call above what was held before it:', '');
  L.push('| size | ' + CANDIDATES.map((k) => `${NAMES[k]} (ours / ORT)`).join(' | ') + ' |', '|---|---|---|---|');
  for (const s of r.sizes) {
    const cell = (k: (typeof CANDIDATES)[number]) => (s.peak[k] ? `${mib(s.peak[k].live)} (${mib(s.peak[k].ours)} / ${mib(s.peak[k].ort)})` : '—');
    L.push(`| ${s.size}² | ${CANDIDATES.map(cell).join(' | ')} |`);
  }
  L.push('');
  if (!r.p5.length) L.push('P5 (largest size): not run (pass --p5).');
  else {
    L.push(`P5 largest square size that runs (step 128, stop when a call fails or exceeds ${(o.p5!.limitMs / 1000).toFixed(0)} s):`, '');
    L.push('| candidate | largest size | ms at that size | stopped because |', '|---|---|---|---|');
    for (const p of r.p5) L.push(`| ${NAMES[p.candidate]} | ${p.largest ? `${p.largest}²` : 'none'} | ${p.largest ? fmt(p.msAtLargest) : '—'} | ${p.stop} |`);
  }
  return L.join('\n');
}

// Markdown for bench/suite.ts: the setup, then times per size, P1/P3 ratios, P4 memory, P5.
import { mib } from './suite-memory.ts';
import { CANDIDATES, median, type Candidate, type SizeResult, type SuiteOptions, type SuiteResult, type UnetUnderTest } from './suite-run.ts';

export const NAMES: Record<Candidate, string> = {
  torch: 'unsplit ORT, torch form',
  fused: 'unsplit ORT, fused MHA',
  off: 'split, SA off',
  sa: 'split, default SA',
  strong: 'split, strong SA',
};
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toPrecision(3));
const ratio = (a: number, b: number) => (Number.isFinite(a / b) && a > 0 && b > 0 ? (a / b).toFixed(3) : '—');
const ms = (s: SizeResult, c: Candidate) => (s.ms[c].length ? median(s.ms[c]) : NaN);

function timesTable(r: SuiteResult & { reps: number }): string[] {
  const L = [`| size | active sites default / strong | ${CANDIDATES.map((c) => `${NAMES[c]} ms`).join(' | ')} |`, `|---|---|${CANDIDATES.map(() => '---|').join('')}`];
  for (const s of r.sizes) {
    const cell = (c: Candidate) => (s.ms[c].length ? `${fmt(ms(s, c))}${s.ms[c].length < r.reps ? ` (n=${s.ms[c].length})` : ''}` : (s.skipped[c] ?? '—'));
    L.push(`| ${s.size}² | ${s.activeSites.sa} / ${s.activeSites.strong} of ${r.sites} | ${CANDIDATES.map(cell).join(' | ')} |`);
  }
  return L;
}

function ratioTable(r: SuiteResult): string[] {
  const L = [
    '| size | P1 SA off ÷ torch form | P1 SA off ÷ fused MHA (≤ 1.0) | P3 default: off ÷ SA | torch ÷ SA | fused ÷ SA | P3 strong: off ÷ SA | torch ÷ SA | fused ÷ SA |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of r.sizes) {
    const [t, f, off, sa, st] = CANDIDATES.map((c) => ms(s, c));
    L.push(`| ${s.size}² | ${ratio(off, t)} | ${ratio(off, f)} | ${ratio(off, sa)}× | ${ratio(t, sa)}× | ${ratio(f, sa)}× | ${ratio(off, st)}× | ${ratio(t, st)}× | ${ratio(f, st)}× |`);
  }
  return L;
}

function memoryLines(r: SuiteResult): string[] {
  const res = r.resident;
  const L = [
    `P4 GPU memory (MiB; every buffer created on the shared device, ours = labelled by our modules, ORT = the rest). ` +
      `Held after creating the sessions: torch form ${mib(res.torch.live)}, fused MHA ${mib(res.fused.live)} (all ORT), split ${mib(res.split.live)} (ours ${mib(res.split.ours)}, ORT ${mib(res.split.ort)}); ` +
      `held by all after the runs (weights + ORT's buffer cache): ${mib(res.afterRuns.live)} (ours ${mib(res.afterRuns.ours)}, ORT ${mib(res.afterRuns.ort)}); ` +
      `**peak held at any moment (all three models loaded, P5 included): ${mib(res.peakEver.live)}** (ours ${mib(res.peakEver.ours)}, ORT ${mib(res.peakEver.ort)}). ` +
      'Peak during one timed call above what was held before it (ours / ORT):',
    '',
    `| size | ${CANDIDATES.map((c) => NAMES[c]).join(' | ')} |`,
    `|---|${CANDIDATES.map(() => '---|').join('')}`,
  ];
  for (const s of r.sizes) {
    const cell = (c: Candidate) => (s.peak[c] ? `${mib(s.peak[c].live)} (${mib(s.peak[c].ours)} / ${mib(s.peak[c].ort)})` : '—');
    L.push(`| ${s.size}² | ${CANDIDATES.map(cell).join(' | ')} |`);
  }
  return L;
}

export function formatSuite(header: string, u: UnetUnderTest, o: SuiteOptions, r: SuiteResult, seconds: number): string {
  const L: string[] = [header, ''];
  L.push(
    `U-Net: ${u.name}, ${r.sites} attn1 sites (${r.style}); ORT-fused form: ${r.fused.self} self- + ${r.fused.cross} cross-attention cores as com.microsoft MultiHeadAttention. ` +
      `Batch ${o.batch}; SA at t = ${o.timestep}: default = DEFAULT_SA_PARAMS, strong = preset '${o.strong.id}'. ` +
      `Median of ${o.reps} after ${o.warmup} warm-up, candidates interleaved (order rotated each round), one device for all; wall ms per U-Net call (inputs uploaded, out_sample read back). Run took ${seconds.toFixed(0)} s.`,
    '',
  );
  L.push(...timesTable({ ...r, reps: o.reps }), '', 'Ratios (P1: the split with SA off against each unsplit form, < 1 = the split is faster; P3: > 1 = that SA is faster than the other candidate):', '');
  L.push(...ratioTable(r), '');
  if (r.notRun.length) L.push(`Not run (--deadline-s passed before they started): ${r.notRun.map((s) => `${s}²`).join(', ')}.`, '');
  L.push(...memoryLines(r), '');
  if (!r.p5.length) L.push('P5 (largest size): not run (pass --p5).');
  else {
    L.push(`P5 largest square size that runs (step 128, stop when a call fails or exceeds ${(o.p5!.limitMs / 1000).toFixed(0)} s):`, '');
    L.push('| candidate | largest size | ms at that size | stopped because |', '|---|---|---|---|');
    for (const p of r.p5) L.push(`| ${NAMES[p.candidate]} | ${p.largest ? `${p.largest}²` : 'none'} | ${p.largest ? fmt(p.msAtLargest) : '—'} | ${p.stop} |`);
  }
  return L.join('\n');
}

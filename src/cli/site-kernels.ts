// How the CLI reports the SA kernels a model runs: the storage path of every site ('f32',
// 'f16-packed', 'f16-native') and the self-check behind it (src/gpu/kernel-check.ts).
import type { KernelReport } from '../pipeline/engine.ts';
import type { CliIo } from './io.ts';

export interface NamedSite {
  name: string;
  side: string;
  level: number;
  channels: number;
  heads: number;
}

/** One line per site with its storage path, then the self-check and what it decided. */
export function printSiteKernels(io: CliIo, sites: readonly NamedSite[], k: KernelReport): void {
  sites.forEach((s, i) => io.log(`  site ${i} ${s.name} (${s.side} L${s.level}, C ${s.channels}/${s.heads} heads): ${k.variants[i]}`));
  for (const c of k.checks) {
    io.log(`  kernel check ${c.variant} C ${c.C}/${c.heads}: ${c.ok ? 'ok' : 'MISMATCH'} (max error ${c.maxAbsError.toExponential(2)}, ${c.ms.toFixed(0)} ms)`);
  }
  if (k.fallback) io.err(`notice: ${k.fallback}`);
  for (const w of k.warnings) io.err(`warning: ${w}`);
}

// The header's one-line GPU status: the adapter, shader-f16, the self-check and any device errors
// in a few words, or why WebGPU cannot be used; the full GPU panel (below the fold at 1280×800)
// has the details. Pure, for the tests.
import type { GpuStatus } from '../pipeline/engine.ts';

export interface GpuStatusLine {
  text: string;
  tone: 'ok' | 'warn' | 'bad' | 'muted';
}

const firstSentence = (s: string) => (/^.*?[.!?](\s|$)/.exec(s)?.[0] ?? s).trim();

export function gpuStatusLine(gpu: GpuStatus, deviceErrors = 0): GpuStatusLine {
  switch (gpu.kind) {
    case 'idle':
    case 'checking':
      return { text: 'WebGPU: checking…', tone: 'muted' };
    case 'unavailable':
      return { text: `WebGPU not available: ${firstSentence(gpu.message)}`, tone: 'bad' };
    case 'error':
      return { text: `WebGPU check failed: ${firstSentence(gpu.message)}`, tone: 'bad' };
    case 'ready': {
      const a = gpu.adapter;
      const name = a.description || a.device || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
      const parts = [`WebGPU: ${name}${a.isFallbackAdapter ? ' (software)' : ''}`, `f16 ${a.shaderF16 ? '✓' : '✗'}`, `self-check ${gpu.selfCheck.ok ? 'passed' : 'failed'}`];
      if (deviceErrors) parts.push(`${deviceErrors} device error${deviceErrors === 1 ? '' : 's'}`);
      return { text: parts.join(' · '), tone: !gpu.selfCheck.ok || deviceErrors ? 'bad' : 'ok' };
    }
  }
}

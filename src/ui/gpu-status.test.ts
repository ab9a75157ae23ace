import { describe, expect, it } from 'vitest';
import { TEST_ADAPTER } from '../state/testing/fake-ports.ts';
import { gpuStatusLine } from './gpu-status.ts';

const selfCheck = { maxAbsError: 0, kernelToOrtError: 0, ortToKernelError: 0, sample: [], ok: true, elapsedMs: 1 };

describe('gpuStatusLine', () => {
  it('names the adapter, f16 and the self-check in one line', () => {
    expect(gpuStatusLine({ kind: 'ready', adapter: TEST_ADAPTER, selfCheck })).toEqual({ text: 'WebGPU: test adapter (software) · f16 ✗ · self-check passed', tone: 'ok' });
    const f16 = { ...TEST_ADAPTER, shaderF16: true, isFallbackAdapter: false, description: '', vendor: 'nvidia', architecture: 'hopper' };
    expect(gpuStatusLine({ kind: 'ready', adapter: f16, selfCheck: { ...selfCheck, ok: false } }, 2)).toEqual({ text: 'WebGPU: nvidia hopper · f16 ✓ · self-check failed · 2 device errors', tone: 'bad' });
  });

  it('says why WebGPU cannot be used, in one sentence', () => {
    expect(gpuStatusLine({ kind: 'unavailable', message: 'navigator.gpu is missing. Use Chrome.' })).toEqual({ text: 'WebGPU not available: navigator.gpu is missing.', tone: 'bad' });
    expect(gpuStatusLine({ kind: 'error', message: 'No adapter' }).text).toBe('WebGPU check failed: No adapter');
    expect(gpuStatusLine({ kind: 'checking' }).text).toBe('WebGPU: checking…');
  });
});

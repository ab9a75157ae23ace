// Probes WebGPU for the status panel: adapter report + the ORT↔kernel self-check. Never throws.
import { acquireGpu, WebGPUUnavailableError, type AdapterReport } from './device.ts';
import { loadOrt } from './ort.ts';
import { runSelfCheck } from './selfcheck.ts';
import type { GpuStatus } from '../state/gpu-slice.ts';

function adapterView(r: AdapterReport) {
  return { ...r, limits: { ...r.limits } };
}

export async function probeGpu(wasmPaths: string): Promise<GpuStatus> {
  let adapter: AdapterReport | undefined;
  try {
    const ctx = await acquireGpu();
    adapter = ctx.report;
    const ort = await loadOrt(wasmPaths);
    const t0 = performance.now();
    const r = await runSelfCheck(ort, ctx.device);
    const elapsedMs = performance.now() - t0;
    if (!r.ok) return { kind: 'error', adapter: adapterView(adapter), message: `Self-check mismatch: max error ${r.maxAbsError}` };
    return { kind: 'ready', adapter: adapterView(adapter), selfCheck: { ...r, elapsedMs } };
  } catch (e) {
    if (e instanceof WebGPUUnavailableError) return { kind: 'unavailable', message: e.message };
    return { kind: 'error', adapter: adapter && adapterView(adapter), message: (e as Error).message ?? String(e) };
  }
}

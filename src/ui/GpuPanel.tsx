// GPU status panel: the adapter, its key limits, and the ORT↔WGSL shared-device self-check.
import { useApp } from '../state/store.ts';
import type { AdapterInfoView, SelfCheckView } from '../state/gpu-slice.ts';

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

function AdapterTable({ a }: { a: AdapterInfoView }) {
  const rows: [string, string][] = [
    ['Vendor', a.vendor || '—'],
    ['Architecture', a.architecture || '—'],
    ['Description', a.description || a.device || '—'],
    ['Fallback (software) adapter', a.isFallbackAdapter ? 'yes' : 'no'],
    ['shader-f16', a.shaderF16 ? 'yes' : 'no'],
    ['timestamp-query', a.timestampQuery ? 'yes' : 'no'],
    ['Max buffer size', mib(a.limits.maxBufferSize)],
    ['Max storage binding', mib(a.limits.maxStorageBufferBindingSize)],
    ['Workgroup storage', `${a.limits.maxComputeWorkgroupStorageSize / 1024} KiB`],
    ['Invocations / workgroup', String(a.limits.maxComputeInvocationsPerWorkgroup)],
  ];
  return (
    <table className="kv" data-testid="adapter-table">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SelfCheck({ r }: { r: SelfCheckView }) {
  return (
    <div className={`selfcheck ${r.ok ? 'ok' : 'bad'}`} data-testid="selfcheck">
      <strong>{r.ok ? 'Self-check passed' : 'Self-check failed'}</strong>: WGSL kernel → onnxruntime-web → WGSL kernel on one GPUDevice.
      <ul>
        <li>
          kernel → ORT max error: <code data-testid="k2o">{r.kernelToOrtError.toExponential(2)}</code>
        </li>
        <li>
          ORT → kernel max error: <code data-testid="o2k">{r.ortToKernelError.toExponential(2)}</code>
        </li>
        <li>
          end-to-end max error: <code>{r.maxAbsError.toExponential(2)}</code> in {r.elapsedMs.toFixed(0)} ms
        </li>
      </ul>
    </div>
  );
}

export function GpuPanel() {
  const gpu = useApp((s) => s.gpu);
  const recheck = useApp((s) => s.checkGpu);
  return (
    <section className="panel" aria-labelledby="gpu-title" data-testid="gpu-panel" data-status={gpu.kind}>
      <h2 id="gpu-title">GPU</h2>
      {(gpu.kind === 'idle' || gpu.kind === 'checking') && <p>Checking WebGPU…</p>}
      {gpu.kind === 'unavailable' && (
        <div className="notice error" role="alert" data-testid="webgpu-unavailable">
          <strong>WebGPU is not available.</strong> {gpu.message}
        </div>
      )}
      {gpu.kind === 'error' && (
        <div className="notice error" role="alert">
          <strong>GPU check failed.</strong> {gpu.message}
        </div>
      )}
      {(gpu.kind === 'ready' || (gpu.kind === 'error' && gpu.adapter)) && <AdapterTable a={gpu.kind === 'ready' ? gpu.adapter : gpu.adapter!} />}
      {gpu.kind === 'ready' && <SelfCheck r={gpu.selfCheck} />}
      {gpu.kind !== 'checking' && (
        <button type="button" onClick={() => void recheck()}>
          Run check again
        </button>
      )}
    </section>
  );
}

// GPU status panel: the engine device's adapter, its key limits, the ORT↔WGSL self-check on that
// device, the SA kernels of the loaded model (storage path per site and their self-check), and the
// device's uncaptured WebGPU errors.
import { WEBGPU_HINT } from '../state/run-errors.ts';
import { useApp } from '../state/store.ts';
import type { AdapterReport } from '../gpu/device.ts';
import type { KernelReport, SelfCheckView } from '../pipeline/engine.ts';

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

function AdapterTable({ a }: { a: AdapterReport }) {
  const rows: [string, string][] = [
    ['Vendor', a.vendor || '—'],
    ['Architecture', a.architecture || '—'],
    ['Description', a.description || a.device || '—'],
    ['Fallback (software) adapter', a.isFallbackAdapter ? 'yes' : 'no'],
    ['shader-f16', a.shaderF16 ? 'yes' : 'no'],
    ['timestamp-query', a.timestampQuery ? 'yes' : 'no'],
    ['subgroups', a.subgroups ? (a.subgroupMinSize ? `yes (${a.subgroupMinSize}–${a.subgroupMaxSize} lanes)` : 'yes') : 'no'],
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

/** What the loaded model's SA sites run: 'f32', 'f16-packed' (u32 + unpack2x16float) or 'f16-native' (enable f16). */
function ModelKernels({ k }: { k: KernelReport }) {
  const counts = new Map<string, number>();
  for (const v of k.variants) counts.set(v, (counts.get(v) ?? 0) + 1);
  const worst = Math.max(0, ...k.checks.map((c) => c.maxAbsError));
  const ok = k.checks.every((c) => c.ok) || (Boolean(k.fallback) && k.checks.every((c) => c.ok || c.variant === 'f16-native'));
  return (
    <div className="selfcheck" data-testid="model-kernels">
      <strong>SA kernels of the loaded model</strong>:{' '}
      <span data-testid="kernel-variants">{[...counts].map(([v, n]) => `${n} sites ${v}`).join(', ')}</span>;{' '}
      {k.checks.length} kernel check{k.checks.length === 1 ? '' : 's'} against the CPU reference {ok ? 'passed' : 'failed'} (max error {worst.toExponential(1)}).
      {k.fallback && (
        <p className="notice warn" role="status" data-testid="kernel-fallback">
          {k.fallback}
        </p>
      )}
      {k.warnings.map((w) => (
        <p key={w} className="notice error" role="alert">
          {w}
        </p>
      ))}
    </div>
  );
}

function DeviceErrors({ errors }: { errors: string[] }) {
  return (
    <div className="notice error" role="alert" data-testid="device-errors">
      <strong>WebGPU reported {errors.length === 1 ? 'an error' : `${errors.length} errors`} on the engine's device</strong> (the last {errors.length} are kept; the browser console has them too):
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            <code>{e}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function GpuPanel() {
  const gpu = useApp((s) => s.gpu);
  const deviceErrors = useApp((s) => s.deviceErrors);
  const model = useApp((s) => s.model);
  const recheck = useApp((s) => s.checkGpu);
  return (
    <section className="panel" id="gpu-panel" tabIndex={-1} aria-labelledby="gpu-title" data-testid="gpu-panel" data-status={gpu.kind}>
      <h2 id="gpu-title">GPU</h2>
      {(gpu.kind === 'idle' || gpu.kind === 'checking') && <p>Checking WebGPU…</p>}
      {gpu.kind === 'unavailable' && (
        <div className="notice error" role="alert" data-testid="webgpu-unavailable">
          <strong>WebGPU is not available.</strong> {gpu.message} {WEBGPU_HINT}
        </div>
      )}
      {gpu.kind === 'error' && (
        <div className="notice error" role="alert">
          <strong>GPU check failed.</strong> {gpu.message}
        </div>
      )}
      {(gpu.kind === 'ready' || (gpu.kind === 'error' && gpu.adapter)) && <AdapterTable a={gpu.kind === 'ready' ? gpu.adapter : gpu.adapter!} />}
      {gpu.kind === 'ready' && <SelfCheck r={gpu.selfCheck} />}
      {model.kind === 'ready' && model.info.kernels && <ModelKernels k={model.info.kernels} />}
      {deviceErrors.length > 0 && <DeviceErrors errors={deviceErrors} />}
      {gpu.kind !== 'checking' && (
        <button type="button" onClick={() => void recheck()}>
          Run check again
        </button>
      )}
    </section>
  );
}

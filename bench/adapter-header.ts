// The header every benchmark table starts with: when, on which adapter and driver, with which
// adapter features and limits, and which features the one shared device was created with (ORT and
// our kernels run on that device, so every candidate sees the same features).
import type { GpuContext } from '../src/gpu/device.ts';

const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage'] as const;

export function adapterHeader(ctx: GpuContext, title: string): string {
  const info = ctx.adapter.info;
  const fields = (['vendor', 'architecture', 'device', 'description'] as const).map((k) => `${k} "${info?.[k] ?? ''}"`).join(', ');
  const sorted = (s: Iterable<string>) => [...s].sort().join(', ') || 'none';
  const limits = LIMITS.map((k) => `${k} ${ctx.adapter.limits[k]}`).join(', ');
  return [
    `### ${title} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- adapter.info: ${fields}${ctx.report.isFallbackAdapter ? ' (fallback adapter)' : ''}`,
    `- adapter.features: ${sorted(ctx.adapter.features as unknown as Iterable<string>)}`,
    `- device features (requested; shared by ORT and our kernels): ${sorted(ctx.device.features as unknown as Iterable<string>)}`,
    `- limits: ${limits}`,
    `- Node ${process.version}; driver: see adapter.info.description${process.env.SLOTHFUL_DRIVER ? `; ${process.env.SLOTHFUL_DRIVER}` : ''}`,
  ].join('\n');
}

// GPU memory accounting for the one shared GPUDevice: every createBuffer and destroy on it is
// counted, ours and onnxruntime-web's alike (ORT's WebGPU EP calls createBuffer / destroy on the
// same JS GPUDevice and GPUBuffer objects), so leak checks see live buffers and bytes of both.

export interface GpuMemoryStats {
  /** buffers created on the device and not yet destroyed */
  liveBuffers: number;
  /** their total size in bytes */
  liveBytes: number;
  /** the highest liveBytes seen since tracking started */
  peakBytes: number;
  /** buffers created since tracking started (allocation churn) */
  created: number;
}

export interface GpuMemoryTracker {
  stats(): GpuMemoryStats;
  /** live buffers by label, largest total first (to find what a leak is made of) */
  byLabel(): { label: string; buffers: number; bytes: number }[];
}

const trackers = new WeakMap<GPUDevice, GpuMemoryTracker>();

/**
 * Wraps `device.createBuffer` (an own property, so whoever holds the device calls it) and each new
 * buffer's `destroy`. Idempotent per device. Buffers dropped without destroy() stay live here:
 * that is the leak this is meant to show. A lost device frees everything: call `onDeviceLost`.
 */
export function trackGpuMemory(device: GPUDevice): GpuMemoryTracker & { onDeviceLost(): void } {
  const existing = trackers.get(device) as (GpuMemoryTracker & { onDeviceLost(): void }) | undefined;
  if (existing) return existing;
  const live = new Map<GPUBuffer, number>();
  let liveBytes = 0;
  let peakBytes = 0;
  let created = 0;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (desc: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(desc);
    created++;
    live.set(buffer, buffer.size);
    liveBytes += buffer.size;
    peakBytes = Math.max(peakBytes, liveBytes);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      const size = live.get(buffer);
      if (size !== undefined) {
        live.delete(buffer);
        liveBytes -= size;
      }
      destroy();
    };
    return buffer;
  };
  const tracker = {
    stats: (): GpuMemoryStats => ({ liveBuffers: live.size, liveBytes, peakBytes, created }),
    byLabel() {
      const groups = new Map<string, { label: string; buffers: number; bytes: number }>();
      for (const [b, size] of live) {
        const label = b.label || '(unlabelled)';
        const g = groups.get(label) ?? { label, buffers: 0, bytes: 0 };
        g.buffers++;
        g.bytes += size;
        groups.set(label, g);
      }
      return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
    },
    onDeviceLost() {
      live.clear();
      liveBytes = 0;
    },
  };
  trackers.set(device, tracker);
  return tracker;
}

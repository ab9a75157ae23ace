// GPU memory accounting on a real device: counts follow createBuffer / destroy exactly, whoever
// holds the device (here: a wrapper installed after the tracker, as the GPU test harness does).
import { describe, expect, it } from 'vitest';
import { withGpuDevice } from './testing/with-gpu-device.ts';
import { trackGpuMemory } from './memory.ts';

describe('trackGpuMemory', () => {
  it('live buffers and bytes follow createBuffer / destroy; double destroy counts once; byLabel groups them', async () => {
    await withGpuDevice(async (device, ctx) => {
      const tracker = trackGpuMemory(device);
      expect(tracker).toBe(ctx.memory); // acquireGpu already tracks the device: one tracker per device
      const before = tracker.stats();
      const sizes = [16, 256, 4096, 65536];
      const bufs = sizes.map((size, i) => device.createBuffer({ label: i < 2 ? 'test.small' : 'test.large', size, usage: GPUBufferUsage.STORAGE }));
      const total = sizes.reduce((a, b) => a + b, 0);
      let s = tracker.stats();
      expect(s.liveBuffers - before.liveBuffers).toBe(4);
      expect(s.liveBytes - before.liveBytes).toBe(total);
      expect(s.created - before.created).toBe(4);
      expect(s.peakBytes).toBeGreaterThanOrEqual(before.liveBytes + total);
      const labels = Object.fromEntries(tracker.byLabel().map((g) => [g.label, [g.buffers, g.bytes]]));
      expect(labels['test.small']).toEqual([2, 272]);
      expect(labels['test.large']).toEqual([2, 69632]);
      bufs[1].destroy();
      bufs[1].destroy();
      bufs[3].destroy();
      s = tracker.stats();
      expect(s.liveBuffers - before.liveBuffers).toBe(2);
      expect(s.liveBytes - before.liveBytes).toBe(16 + 4096);
      bufs[0].destroy();
      bufs[2].destroy();
      expect(tracker.stats().liveBytes).toBe(before.liveBytes);
      expect(tracker.stats().liveBuffers).toBe(before.liveBuffers);
    });
  });
});

// GPU memory accounting for bench/suite.ts: wraps one device's createBuffer (before ORT creates its
// sessions on it, so ORT's buffers are seen too) and each buffer's destroy, and keeps live and
// peak bytes, split into ours (labelled by our modules) and ORT's (everything else).

const OURS = /^(UnetRunner|PoolKv|Attention|MatMul|SelfAttentionSite|bench)|attn1/;

export interface MemorySnapshot {
  live: number;
  ours: number;
  ort: number;
}

export class GpuMemoryTracker {
  private liveOurs = 0;
  private liveOrt = 0;
  private peakSince: MemorySnapshot = { live: 0, ours: 0, ort: 0 };
  /** the most bytes held at any moment since install, with its split */
  peakEver: MemorySnapshot = { live: 0, ours: 0, ort: 0 };
  private readonly original: GPUDevice['createBuffer'];

  constructor(private readonly device: GPUDevice) {
    this.original = device.createBuffer;
    const track = (b: GPUBuffer, ours: boolean) => {
      const size = b.size;
      if (ours) this.liveOurs += size;
      else this.liveOrt += size;
      this.bump();
      const destroy = b.destroy.bind(b);
      let gone = false;
      b.destroy = () => {
        if (!gone) {
          gone = true;
          if (ours) this.liveOurs -= size;
          else this.liveOrt -= size;
        }
        destroy();
      };
    };
    const original = this.original;
    device.createBuffer = function (desc: GPUBufferDescriptor) {
      const b = original.call(device, desc);
      track(b, OURS.test(desc.label ?? ''));
      return b;
    };
  }

  private bump(): void {
    const p = this.peakSince;
    p.ours = Math.max(p.ours, this.liveOurs);
    p.ort = Math.max(p.ort, this.liveOrt);
    p.live = Math.max(p.live, this.liveOurs + this.liveOrt);
    if (this.liveOurs + this.liveOrt > this.peakEver.live) this.peakEver = this.now();
  }

  now(): MemorySnapshot {
    return { live: this.liveOurs + this.liveOrt, ours: this.liveOurs, ort: this.liveOrt };
  }

  /** Starts a new peak window at the current live bytes. */
  resetPeak(): void {
    this.peakSince = this.now();
  }

  peak(): MemorySnapshot {
    return { ...this.peakSince };
  }

  uninstall(): void {
    this.device.createBuffer = this.original;
  }
}

export const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 2 : 0);

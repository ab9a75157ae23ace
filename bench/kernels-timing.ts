// Timing for bench/kernels.ts: wall clock to queue completion (device.queue.onSubmittedWorkDone)
// for anything we or ORT submit, plus GPU timestamps for our own passes where the device has
// 'timestamp-query'.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** ms from calling `submit` until the queue has finished everything submitted. */
export async function wallMs(device: GPUDevice, submit: () => Promise<void> | void): Promise<number> {
  await device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  await submit();
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** Begin/end timestamps of one compute pass (null where the device has no timestamp-query). */
export class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private readonly readback: GPUBuffer;

  private constructor(device: GPUDevice) {
    this.querySet = device.createQuerySet({ label: 'bench.timestamps', type: 'timestamp', count: 2 });
    this.resolve = device.createBuffer({ label: 'bench.ts.resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readback = device.createBuffer({ label: 'bench.ts.read', size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  }

  static create(device: GPUDevice): PassTimer | null {
    return device.features.has('timestamp-query') ? new PassTimer(device) : null;
  }

  get writes(): GPUComputePassTimestampWrites {
    return { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
  }

  /** Call after the pass, in the same encoder. */
  resolveInto(enc: GPUCommandEncoder): void {
    enc.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
    enc.copyBufferToBuffer(this.resolve, 0, this.readback, 0, 16);
  }

  async readMs(): Promise<number> {
    await this.readback.mapAsync(GPUMapMode.READ);
    const [t0, t1] = new BigUint64Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    return Number(t1 - t0) / 1e6;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
    this.readback.destroy();
  }
}

// Uniform parameter buffers keyed by content, owned by one kernel object. A dispatch's parameters
// must live in their own buffer until the queue has run it, so two dispatches with different
// parameters in one submit cannot share a buffer; shapes repeat every step, so a small cache
// holds them all and nothing is written per call.

export class UniformCache {
  private readonly entries = new Map<string, GPUBuffer>();

  constructor(
    private readonly device: GPUDevice,
    private readonly label: string,
  ) {}

  /** A uniform buffer holding `words` (u32 bit patterns; write f32 through a Float32Array view). */
  get(words: Uint32Array): GPUBuffer {
    const key = words.join(',');
    const hit = this.entries.get(key);
    if (hit) return hit;
    const size = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
    const buf = this.device.createBuffer({ label: `${this.label}.params`, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(buf, 0, words.buffer, words.byteOffset, words.byteLength);
    this.entries.set(key, buf);
    return buf;
  }

  /** Destroys every cached buffer (only call when no encoded work still refers to them). */
  clear(): void {
    for (const b of this.entries.values()) b.destroy();
    this.entries.clear();
  }
}

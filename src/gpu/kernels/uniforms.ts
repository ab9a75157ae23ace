// Uniform parameters of our kernels: each kernel declares its WGSL `struct Params` once as a typed
// layout (field names and scalar types in struct order, checked against the shader by
// uniforms.test.ts), and writes it from a named object. A dispatch's parameters must live in their
// own buffer until the queue has run it, so two dispatches with different parameters in one submit
// cannot share a buffer; shapes repeat every step, so a small content-keyed cache holds them all
// and nothing is written per call.
import { KernelConfigError } from './dtype.ts';

/** A 4-byte WGSL scalar of a uniform struct. */
export type UniformScalar = 'u32' | 'i32' | 'f32';
/** WGSL struct fields in declaration order (object key order); names starting with `_` are padding. */
export type UniformFields = Record<string, UniformScalar>;
/** The values a layout is written from: every field but the padding. */
export type UniformValues<F extends UniformFields> = { [K in keyof F as K extends `_${string}` ? never : K]: number };

const I32_MIN = -(2 ** 31);

export class UniformLayout<F extends UniformFields> {
  /** [name, scalar] per field, in WGSL struct order */
  readonly slots: readonly (readonly [string, UniformScalar])[];

  constructor(
    /** the WGSL struct's name, for messages */
    readonly struct: string,
    readonly fields: F,
  ) {
    this.slots = Object.entries(fields);
  }

  /** The struct's bytes as u32 words (f32 fields as their bit patterns), padded to whole 16-byte rows. */
  pack(values: UniformValues<F>): Uint32Array {
    const words = new Uint32Array(Math.max(4, Math.ceil(this.slots.length / 4) * 4));
    const asI32 = new Int32Array(words.buffer);
    const asF32 = new Float32Array(words.buffer);
    this.slots.forEach(([name, scalar], i) => {
      if (name.startsWith('_')) return;
      const v = (values as Record<string, number>)[name];
      const fits =
        scalar === 'f32' ? typeof v === 'number' : Number.isInteger(v) && (scalar === 'u32' ? v >= 0 && v < 2 ** 32 : v >= I32_MIN && v < 2 ** 31);
      if (!fits) throw new KernelConfigError(`${this.struct}.${name} is a ${scalar}: got ${v}.`);
      if (scalar === 'u32') words[i] = v;
      else if (scalar === 'i32') asI32[i] = v;
      else asF32[i] = v;
    });
    return words;
  }
}

/** A layout for WGSL `struct <struct> { …fields }`: `uniformLayout('Params', { rows: 'u32', scale: 'f32' })`. */
export function uniformLayout<const F extends UniformFields>(struct: string, fields: F): UniformLayout<F> {
  return new UniformLayout(struct, fields);
}

/** A new uniform buffer holding `words` (written now; the caller owns it). */
export function uniformBuffer(device: GPUDevice, label: string, words: Uint32Array): GPUBuffer {
  const size = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
  const buf = device.createBuffer({ label, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, words.buffer, words.byteOffset, words.byteLength);
  return buf;
}

/** Uniform buffers of one layout keyed by content, owned by one kernel object. */
export class UniformCache<F extends UniformFields> {
  private readonly entries = new Map<string, GPUBuffer>();

  constructor(
    private readonly device: GPUDevice,
    private readonly label: string,
    private readonly layout: UniformLayout<F>,
  ) {}

  /** A uniform buffer holding `values` written through the layout (borrowed, owned by this cache). */
  get(values: UniformValues<F>): GPUBuffer {
    const words = this.layout.pack(values);
    const key = words.join(',');
    const hit = this.entries.get(key);
    if (hit) return hit;
    const buf = uniformBuffer(this.device, `${this.label}.params`, words);
    this.entries.set(key, buf);
    return buf;
  }

  /** Destroys every cached buffer (only call when no encoded work still refers to them). */
  clear(): void {
    for (const b of this.entries.values()) b.destroy();
    this.entries.clear();
  }
}

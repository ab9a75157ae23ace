// Float data between the CPU and model tensors: f32 or f16 (raw bits) as the model's inputs want,
// read back from GPU-buffer outputs, and image conversions (model [-1, 1] NCHW ↔ RGBA 8-bit).
import { fromHalf, toHalf } from '../onnx/float16.ts';
import { DataType } from '../onnx/proto.ts';
import type { Ort, OrtTensor } from '../gpu/ort.ts';
import type { ImageRgba } from './engine.ts';

export type FloatKind = 'float32' | 'float16';

export function floatKind(dt: DataType): FloatKind {
  return dt === DataType.FLOAT16 ? 'float16' : 'float32';
}

export function floatTensor(ort: Ort, kind: FloatKind, data: Float32Array, dims: number[]): OrtTensor {
  return kind === 'float16' ? new ort.Tensor('float16', toHalf(data), dims) : new ort.Tensor('float32', data, dims);
}

/** A timestep tensor in whatever type the model declares (float32, float16 or int64). */
export function timestepTensor(ort: Ort, dt: DataType, t: number, batch: number): OrtTensor {
  if (dt === DataType.INT64) return new ort.Tensor('int64', BigInt64Array.from({ length: batch }, () => BigInt(Math.round(t))), [batch]);
  if (dt === DataType.INT32) return new ort.Tensor('int32', Int32Array.from({ length: batch }, () => Math.round(t)), [batch]);
  return floatTensor(ort, floatKind(dt), new Float32Array(batch).fill(t), [batch]);
}

/** Float32 values of a tensor on the CPU or the GPU (read back). */
export async function tensorToF32(t: OrtTensor): Promise<Float32Array> {
  const data = t.location === 'gpu-buffer' ? await t.getData() : t.data;
  if (t.type === 'float16') return data instanceof Uint16Array ? fromHalf(data) : Float32Array.from(data as ArrayLike<number>);
  return data as Float32Array;
}

/** [1, 3, H, W] in [-1, 1] → RGBA. */
export function imageFromChw(x: Float32Array, width: number, height: number, batchIndex = 0): ImageRgba {
  const plane = width * height;
  const base = batchIndex * 3 * plane;
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round((x[base + c * plane + i] / 2 + 0.5) * 255);
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** RGBA → [1, 3, H, W] in [-1, 1]. */
export function chwFromImage(img: ImageRgba): Float32Array {
  const plane = img.width * img.height;
  const x = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) x[c * plane + i] = (img.data[i * 4 + c] / 255) * 2 - 1;
  return x;
}

/** Bilinear resize of an RGBA image (img2img input to the requested size). */
export function resizeImage(img: ImageRgba, width: number, height: number): ImageRgba {
  if (img.width === width && img.height === height) return img;
  const plane = img.width * img.height;
  const planar = new Float32Array(4 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 4; c++) planar[c * plane + i] = img.data[i * 4 + c];
  const r = resizeLatents(planar, 1, 4, img.height, img.width, height, width);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 4; c++) out[i * 4 + c] = r[c * width * height + i];
  return { width, height, data: out };
}

/** Bilinear resize of planar data [B, C, h, w] → [B, C, h2, w2] (second-pass latents, images). */
export function resizeLatents(x: Float32Array, B: number, C: number, h: number, w: number, h2: number, w2: number): Float32Array {
  const out = new Float32Array(B * C * h2 * w2);
  for (let bc = 0; bc < B * C; bc++) {
    for (let y = 0; y < h2; y++) {
      const sy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / h2 - 0.5));
      const y0 = Math.floor(sy);
      const y1 = Math.min(h - 1, y0 + 1);
      const fy = sy - y0;
      for (let xx = 0; xx < w2; xx++) {
        const sx = Math.min(w - 1, Math.max(0, ((xx + 0.5) * w) / w2 - 0.5));
        const x0 = Math.floor(sx);
        const x1 = Math.min(w - 1, x0 + 1);
        const fx = sx - x0;
        const p = (a: number, b: number) => x[bc * h * w + a * w + b];
        out[bc * h2 * w2 + y * w2 + xx] = (p(y0, x0) * (1 - fx) + p(y0, x1) * fx) * (1 - fy) + (p(y1, x0) * (1 - fx) + p(y1, x1) * fx) * fy;
      }
    }
  }
  return out;
}

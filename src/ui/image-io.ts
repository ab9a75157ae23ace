// Browser-side image files: decode a dropped/chosen file to RGBA, and download a result as a PNG
// that carries all its parameters (src/params/png-metadata.ts), so dropping it back restores them.
// An init image is pixels only: its PNG's parameters are offered, never applied by choosing it.
import type { ImageRgba } from '../image/rgba.ts';
import { encodePng } from '../image/png.ts';
import { writePngParams } from '../params/png-metadata.ts';
import type { RunResult } from '../state/run-slice.ts';

/** Largest side accepted for an init image; bigger files are scaled down on decode. */
const MAX_SIDE = 2048;

export async function decodeImageFile(file: Blob): Promise<ImageRgba> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw to a 2D canvas.');
    ctx.drawImage(bitmap, 0, 0, width, height);
    return { width, height, data: ctx.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}

export async function fileBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

export function isPngFile(file: File): boolean {
  return file.type === 'image/png' || /\.png$/i.test(file.name);
}

/** A chosen or dropped init image: its pixels, and a PNG's bytes (for "Restore the PNG’s settings"). */
export async function readInitImage(file: File, decode: (f: Blob) => Promise<ImageRgba> = decodeImageFile): Promise<{ image: ImageRgba; png?: Uint8Array }> {
  const image = await decode(file);
  return isPngFile(file) ? { image, png: await fileBytes(file) } : { image };
}

/** The PNG bytes of a result with its parameters embedded. */
export async function resultPng(r: RunResult): Promise<Uint8Array> {
  const png = await encodePng(r.image.data, r.image.width, r.image.height);
  return writePngParams(png, r.params, { img2img: r.img2img });
}

export async function downloadResult(r: RunResult): Promise<void> {
  const bytes = await resultPng(r);
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'image/png' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `slothful-${r.params.gen.seed}-${r.id}${r.kind === 'single' ? '' : `-${r.kind}`}.png`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

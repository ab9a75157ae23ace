// Draws an ImageRgba onto a <canvas> (putImageData); CSS scales it to the box it sits in.
import { useEffect, useRef, type CSSProperties } from 'react';
import type { ImageRgba } from '../image/rgba.ts';

export function ImageCanvas({ image, label, className = '', testId, style }: { image: ImageRgba; label: string; className?: string; testId?: string; style?: CSSProperties }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = image.width;
    canvas.height = image.height;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  }, [image]);
  return <canvas ref={ref} className={`image-canvas ${className}`} role="img" aria-label={label} data-testid={testId} width={image.width} height={image.height} style={style} />;
}

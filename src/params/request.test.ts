// The hires pass's output size: the one rule the app (run checks, heatmap) and the pipeline use.
import { describe, expect, it } from 'vitest';
import { hiresSize } from './request.ts';

describe('hiresSize', () => {
  it('scales each side and rounds to the nearest multiple of 8', () => {
    expect(hiresSize({ width: 128, height: 96 }, 1.5)).toEqual({ width: 192, height: 144 });
    // 100·1.25 = 125 → 15.625 eighths → 16 → 128; 64·1.3 = 83.2 → 10.4 eighths → 10 → 80
    expect(hiresSize({ width: 100, height: 64 }, 1.25)).toEqual({ width: 128, height: 80 });
    expect(hiresSize({ width: 512, height: 512 }, 1)).toEqual({ width: 512, height: 512 });
  });

  it('never goes below 8 pixels', () => {
    expect(hiresSize({ width: 8, height: 16 }, 0.25)).toEqual({ width: 8, height: 8 });
  });
});

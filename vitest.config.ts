// Two Vitest projects: `unit` (pure code, Node) and `gpu` (WGSL + ORT on Dawn/SwiftShader in Node).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.gpu.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['src/**/*.gpu.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // Dawn on SwiftShader is CPU-bound: run GPU files one at a time.
          fileParallelism: false,
          pool: 'forks',
          execArgv: ['--liftoff-only'],
          setupFiles: ['src/gpu/testing/setup-node-gpu.ts'],
        },
      },
    ],
  },
});

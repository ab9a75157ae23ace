// Three Vitest projects: `unit` (pure code, Node), `gpu` (WGSL + ORT on Dawn/SwiftShader in Node) and
// `gpu-f16` (native f16: Dawn on Mesa 25's lavapipe, which has shader-f16; scripts/vulkan-f16.sh).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.gpu.test.ts', 'src/**/*.gpu-f16.test.ts'],
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
      {
        test: {
          name: 'gpu-f16',
          include: ['src/**/*.gpu-f16.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          pool: 'forks',
          execArgv: ['--liftoff-only'],
          setupFiles: ['src/gpu/testing/setup-node-gpu-f16.ts'],
        },
      },
    ],
  },
});

// The real entry point as a child process: with no Vulkan driver Dawn finds no adapter, and the CLI
// says so (and what to install) with a non-zero exit instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('cli main without a GPU adapter', () => {
  it('generate exits 1 with NoGpuAdapterError and the fix', () => {
    const r = spawnSync(process.execPath, ['--liftoff-only', 'node_modules/.bin/vite-node', 'src/cli/main.ts', '--', 'generate', '--model', '/nonexistent', '--out', '/tmp/never.png'], {
      cwd: ROOT,
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', SLOTHFUL_GPU: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^NoGpuAdapterError: No WebGPU adapter .*install libvulkan1/m);
    expect(r.stderr).not.toMatch(/^\s+at .*src\/cli\//m); // one line, not a stack trace of ours
  });
});

// The layer rule of eslint.config.js (README "Layers") refuses what it should and lets the rest
// through: each case lints a one-line import as if it were a file in that folder.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function importErrors(file: string, from: string): Promise<string[]> {
  const [r] = await eslint.lintText(`import * as m from '${from}';\nexport const x = m;\n`, { filePath: file });
  return r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('eslint layer rule', () => {
  it.each([
    ['src/gpu/x.ts', '../pipeline/engine.ts'],
    ['src/gpu/kernels/x.ts', '../../state/store.ts'],
    ['src/onnx/x.ts', '../gpu/ort.ts'],
    ['src/sa/x.ts', '../params/gen-params.ts'],
    ['src/params/x.ts', '../pipeline/registry.ts'],
    ['src/image/x.ts', '../sa/index.ts'],
    ['src/pipeline/x.ts', '../state/store.ts'],
    ['src/pipeline/x.ts', '../models/pipeline.ts'],
    ['src/state/x.ts', '../ui/App.tsx'],
    ['src/ui/x.tsx', '../models/pipeline.ts'],
    ['src/models/x.ts', '../state/store.ts'],
  ])('refuses %s importing %s', async (file, from) => {
    expect(await importErrors(file, from)).toEqual([expect.stringMatching(/sits below these folders/)]);
  });

  it.each([['src/pipeline/x.ts'], ['src/state/x.ts'], ['src/ui/x.tsx'], ['src/onnx/x.ts']])('refuses onnxruntime-web outside src/gpu (%s)', async (file) => {
    expect(await importErrors(file, 'onnxruntime-web')).toEqual(['\'onnxruntime-web\' import is restricted from being used. Only src/gpu talks to onnxruntime-web.']);
  });

  it.each([
    ['src/gpu/x.ts', 'onnxruntime-web'],
    ['src/gpu/x.ts', '../onnx/proto.ts'],
    ['src/pipeline/x.ts', '../gpu/runtime.ts'],
    ['src/state/x.ts', '../pipeline/engine.ts'],
    ['src/ui/x.tsx', '../models/toy/vocabulary.ts'],
    ['src/cli/x.ts', '../pipeline/sd-pipeline.ts'],
    ['src/app/x.ts', '../state/store.ts'],
    ['src/gpu/x.test.ts', '../pipeline/engine.ts'],
  ])('lets %s import %s', async (file, from) => {
    expect(await importErrors(file, from)).toEqual([]);
  });
});

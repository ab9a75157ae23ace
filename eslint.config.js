// ESLint: typescript-eslint recommended + React hooks rules + the layers (README "Layers"): a
// folder of src/ may import only the folders below it, and only src/gpu imports onnxruntime-web.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// Lowest first. A folder may import the ones before it in its own list's order; the tools on top
// (models: the synthetic-model generator; cli; bench) may import the runtime layers below them.
const LAYERS = ['sa', 'image', 'params', 'onnx', 'gpu', 'pipeline', 'state', 'ui', 'app'];
const FORBIDDEN = {
  sa: LAYERS.slice(1),
  image: ['sa', ...LAYERS.slice(2)],
  params: LAYERS.slice(3),
  onnx: LAYERS.slice(4),
  gpu: LAYERS.slice(5),
  pipeline: LAYERS.slice(6),
  state: LAYERS.slice(7),
  ui: LAYERS.slice(8),
  models: ['state', 'ui', 'app'],
};
const TOOLS = ['models', 'cli'];
// The toy model's caption vocabulary is data the prompt helper reads (a pure module of the generator).
const ALLOWED = ['models/toy/vocabulary.ts'];

/** no-restricted-imports for the source files (not tests and test helpers) of `folder`. */
function layerRule(folder) {
  const banned = [...FORBIDDEN[folder], ...(folder === 'models' ? [] : TOOLS.filter((t) => t !== folder))];
  const allowed = ALLOWED.map((a) => a.replace(/[.]/g, '\\.')).join('|');
  return {
    files: [folder === 'app' ? 'src/{app/**/*,main}.{ts,tsx}' : `src/${folder}/**/*.{ts,tsx}`],
    ignores: ['**/*.test.ts', '**/*.test-util.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: folder === 'gpu' ? [] : ['onnxruntime-web', 'onnxruntime-web/webgpu'].map((name) => ({ name, message: 'Only src/gpu talks to onnxruntime-web.' })),
          patterns: [
            {
              regex: `^(\\.\\.?/)+(?!${allowed})(${banned.join('|')})/`,
              message: `src/${folder} sits below these folders (README "Layers"); move the shared piece down or pass it in.`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/', '.device/', '.gl/', 'test-results/', 'playwright-report/', 'bench/out/', 'scripts/fixtures/**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...Object.keys(FORBIDDEN).map(layerRule),
  {
    // React hook rules where React lives (a Playwright fixture's `use` is not a hook).
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);

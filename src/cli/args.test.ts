import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS } from '../params/gen-params.ts';
import { encodeUrlPreset } from '../params/url-preset.ts';
import { MODEL_REGISTRY } from '../pipeline/registry.ts';
import { CliUsageError, DEFAULT_MODEL_DIR, modelIdOf, paramSetFrom, parseCliArgs, parseSize, saFromFlag, type GenerateArgs } from './args.ts';

const noFiles = (p: string): string => {
  throw new Error(`unexpected read of ${p}`);
};

describe('parseCliArgs', () => {
  it.each([
    [['--', 'generate', '--model', 'm', '--out', 'o.png', '--seed', '7', '--size', '64x128', '--steps', '2', '--guidance', '1.5', '--scheduler', 'ddim'],
      { command: 'generate', model: 'm', out: 'o.png', seed: 7, size: { width: 64, height: 128 }, steps: 2, guidance: 1.5, scheduler: 'ddim' }],
    [['unet-step', '--unet', 'u.onnx', '--sample', 's.npy', '--timestep', '500', '--context', 'c.npy', '--out', 'o.npy', '--cpu'],
      { command: 'unet-step', unet: 'u.onnx', sample: 's.npy', timestep: '500', context: 'c.npy', out: 'o.npy', cpu: true }],
    [['unet-step', '--unet', 'u.onnx', '--sample', 's.npy', '--timestep', '500', '--context', 'c.npy', '--out', 'o.npy', '--f16-path', 'packed'],
      { command: 'unet-step', f16Path: 'packed' }],
    [['generate', '--out', 'o.png', '--f16-path', 'native'], { command: 'generate', f16Path: 'native' }],
    [['generate', '--out', 'o.png', '--previews', 'steps/'], { command: 'generate', previews: 'steps/' }],
    [['generate', '--out', 'o.png'], { command: 'generate', previews: undefined }],
    [[], { command: 'help' }],
    [['--help'], { command: 'help' }],
  ])('%j', (argv, expected) => {
    expect(parseCliArgs(argv)).toMatchObject(expected);
  });

  it.each([
    [['draw'], /Unknown command "draw"/],
    [['generate', '--model', 'm', '--out', 'o', '--seed', '1.5'], /--seed must be an integer, got "1.5"/],
    [['generate', '--model', 'm', '--out', 'o', '--guidance', 'lots'], /--guidance must be a number/],
    [['generate', '--model', 'm', '--out', 'o', '--scheduler', 'heun'], /--scheduler must be one of euler,/],
    [['generate', '--model', 'm', '--out', 'o', '--colour', 'red'], /Unknown option '--colour'/],
    [['unet-step', '--unet', 'u', '--sample', 's', '--timestep', '1', '--out', 'o'], /unet-step needs --context/],
    [['generate', '--out', 'o', '--f16-path', 'fast'], /--f16-path must be native or packed, got "fast"/],
    [['sweep', '--out', 'd', '--x', 'seed=1,2', '--previews', 'p'], /--previews is for generate/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('parseSize', () => {
  it.each([['512x768', 512, 768], ['64', 64, 64], ['96×64', 96, 64]])('%s', (raw, width, height) => {
    expect(parseSize(raw)).toEqual({ width, height });
  });
  it.each(['512x', '100x100', 'big', '0x8'])('%s is rejected', (raw) => {
    expect(() => parseSize(raw)).toThrow(CliUsageError);
  });
});

describe('saFromFlag (SPEC_SA §2 canonical JSON)', () => {
  it('merges a partial object over the base per side and reports unknown keys', () => {
    const r = saFromFlag('{"time_decay": 0, "in": {"strength": 9}, "bogus": 1}', DEFAULT_SA_PARAMS, noFiles);
    expect(r.params).toEqual({ ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 } });
    expect(r.notices.map((n) => n.path)).toEqual(['sa.bogus']);
  });
  it('clamps out-of-range values with a notice', () => {
    const r = saFromFlag('{"out": {"strength": 80}}', DEFAULT_SA_PARAMS, noFiles);
    expect(r.params.out.strength).toBe(50);
    expect(r.notices).toHaveLength(1);
  });
  it('reads @file through readText', () => {
    const r = saFromFlag('@sa.json', DEFAULT_SA_PARAMS, (p) => (p === 'sa.json' ? '{"enabled": false}' : ''));
    expect(r.params.enabled).toBe(false);
  });
  it.each(['{"in": ', '[1, 2]', '6'])('%s is a usage error', (raw) => {
    expect(() => saFromFlag(raw, DEFAULT_SA_PARAMS, noFiles)).toThrow(CliUsageError);
  });
});

describe('a share link names the model (m=, mu=)', () => {
  const hf = MODEL_REGISTRY.find((m) => m.id === 'sd21-base')!.base;
  it('without --model, the link\'s custom URL (mu=) is the model', () => {
    const a = parseCliArgs(['generate', '--out', 'o.png', '--preset', '?v=1&m=custom&mu=https%3A%2F%2Fexample.org%2Fmy-sd%2F']) as GenerateArgs;
    expect(a.model).toBe('https://example.org/my-sd/');
    expect(paramSetFrom(a, noFiles).notices).toEqual([]);
  });
  it('without --model, a registry model named by m= is loaded from its own location', () => {
    expect((parseCliArgs(['generate', '--out', 'o.png', '--preset', 'https://x.org/app/?v=1&m=sd21-base']) as GenerateArgs).model).toBe(hf);
    expect((parseCliArgs(['generate', '--out', 'o.png', '--preset', '?v=1&m=tiny']) as GenerateArgs).model).toBe('public/models/tiny');
    expect((parseCliArgs(['generate', '--out', 'o.png', '--preset', '?v=1&s=3']) as GenerateArgs).model).toBe(DEFAULT_MODEL_DIR);
    expect(modelIdOf(hf)).toBe('sd21-base');
    expect(modelIdOf(`${hf}/`)).toBe('sd21-base');
  });
  it('an explicit --model wins over the link\'s model, with a notice that says so', () => {
    const a = parseCliArgs(['generate', '--model', '/m/tiny', '--out', 'o.png', '--preset', '?v=1&m=custom&mu=https%3A%2F%2Fexample.org%2Fsd']) as GenerateArgs;
    expect(a.model).toBe('/m/tiny');
    const { notices } = paramSetFrom(a, noFiles);
    expect(notices.map((n) => n.message)).toContain("the link's model (https://example.org/sd) is not used: --model /m/tiny is");
  });
});

describe('paramSetFrom: defaults ← --preset ← flags ← --sa', () => {
  const base: GenerateArgs = { command: 'generate', model: '/models/tiny/', out: 'o.png' };
  it('defaults: the model id from the folder name, and a registry model starts from its own defaults', () => {
    const { set, notices } = paramSetFrom(base, noFiles);
    const tiny = MODEL_REGISTRY.find((m) => m.id === 'tiny')!.defaults;
    expect(set.gen).toEqual({ ...DEFAULT_GEN_PARAMS, ...tiny, model: 'tiny' });
    expect(set.sa).toEqual(DEFAULT_SA_PARAMS);
    expect(notices).toEqual([]);
    expect(paramSetFrom({ ...base, model: '/x/my-model' }, noFiles).set.gen).toEqual({ ...DEFAULT_GEN_PARAMS, model: 'my-model' });
  });
  it('without --model: the embedded toy model and its defaults', () => {
    const a = parseCliArgs(['generate', '--out', 'o.png']) as GenerateArgs;
    expect(a.model).toBe(DEFAULT_MODEL_DIR);
    const toy = MODEL_REGISTRY.find((m) => m.id === 'toy')!.defaults;
    expect(paramSetFrom(a, noFiles).set.gen).toMatchObject({ ...toy, model: 'toy' });
  });
  it('flags override the preset; --sa merges over the preset SA', () => {
    const preset = encodeUrlPreset({ gen: { ...DEFAULT_GEN_PARAMS, steps: 9, seed: 3, prompt: 'a cat' }, sa: { ...DEFAULT_SA_PARAMS, peak_time: 0.7 } });
    const { set } = paramSetFrom({ ...base, preset, seed: 11, size: { width: 64, height: 64 }, sa: '{"in": {"mode": "2D_MAX"}}' }, noFiles);
    expect(set.gen).toMatchObject({ steps: 9, seed: 11, prompt: 'a cat', width: 64, height: 64, model: 'tiny' });
    expect(set.sa).toEqual({ ...DEFAULT_SA_PARAMS, peak_time: 0.7, in: { ...DEFAULT_SA_PARAMS.in, mode: '2D_MAX' } });
  });
  it('out-of-range flags are clamped with notices, not silently', () => {
    const { set, notices } = paramSetFrom({ ...base, steps: 500, size: { width: 4096, height: 64 } }, noFiles);
    expect(set.gen.steps).toBe(150);
    expect(set.gen.width).toBe(2048);
    expect(notices.map((n) => n.path).sort()).toEqual(['steps', 'width']);
  });
  it.each([['/a/b/sd-turbo', 'sd-turbo'], ['https://host/x y', 'custom'], ['.', 'custom']])('modelIdOf(%s)', (m, id) => {
    expect(modelIdOf(m)).toBe(id);
  });
});

describe('lab arguments', () => {
  it('defaults: the embedded model, seeds 1,2,3, no prompts (the lab picks them), not quick', () => {
    expect(parseCliArgs(['lab', '--out', 'r'])).toEqual({ command: 'lab', model: DEFAULT_MODEL_DIR, tokenizer: undefined, out: 'r', prompts: [], promptsFile: undefined, seeds: [1, 2, 3], size: undefined, steps: undefined, guidance: undefined, scheduler: undefined, quick: false, f16Path: undefined });
  });
  it('every flag, --prompt more than once', () => {
    expect(parseCliArgs(['lab', '--model', 'm', '--out', 'r', '--prompt', 'a', '--prompt', 'b', '--seeds', '4, 5', '--size', '64', '--steps', '3', '--guidance', '2', '--scheduler', 'euler', '--quick', '--f16-path', 'packed']))
      .toMatchObject({ model: 'm', prompts: ['a', 'b'], seeds: [4, 5], size: { width: 64, height: 64 }, steps: 3, guidance: 2, scheduler: 'euler', quick: true, f16Path: 'packed' });
  });
  it.each([
    [['lab'], /lab needs --out/],
    [['lab', '--out', 'r', '--seeds', '1,x'], /--seeds must be an integer/],
    [['lab', '--out', 'r', '--seeds', '1,1'], /seed twice/],
    [['lab', '--out', 'r', '--seeds=1,-1'], /--seeds must be integers 0\.\.4294967295/],
    [['lab', '--out', 'r', '--prompt', 'a', '--prompts', 'f.txt'], /not both/],
    [['lab', '--out', 'r', '--scheduler', 'x'], /--scheduler must be one of/],
  ])('%j is a usage error', (argv, msg) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(msg);
  });
});

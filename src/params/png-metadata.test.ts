// Parameters in PNG files: the A1111 text by example, exact round trips through our JSON chunk,
// reading other tools' A1111 text, and untrusted PNGs (bad values, bad JSON, damage).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, setSaParam } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS, type GenParams, type ParamSet } from './gen-params.ts';
import { genParamsArb, genParamsViolations, saParamsArb } from './gen-params.test-util.ts';
import { encodePng, insertPngText, readPngText } from '../image/png.ts';
import { a1111Text, fromA1111Text, readPngParams, slothfulJson, writePngParams } from './png-metadata.ts';
import { decodePngForTest } from '../image/png.test-util.ts';

const RGBA = Uint8Array.from({ length: 4 * 3 * 4 }, (_, i) => (i * 29) & 255);
const basePng = () => encodePng(RGBA, 4, 3);
const SET: ParamSet = {
  gen: { ...DEFAULT_GEN_PARAMS, prompt: 'a sloth, in a tree', negativePrompt: 'blurry', seed: 1, steps: 20, guidance: 7.5, width: 512, height: 512, scheduler: 'euler', model: 'tiny' },
  sa: setSaParam(DEFAULT_SA_PARAMS, 'in.strength', 8),
};
const SA_JSON = '{"enabled":true,"time_decay":2,"peak_time":0.4,"keep_middle":true,"in":{"strength":8,"depth_decay":2,"mode":"2D_AVG","k_blend":0,"v_blend":0},"out":{"strength":4,"depth_decay":2,"mode":"2D_AVG","k_blend":0,"v_blend":0}}';

describe('A1111 parameters text', () => {
  it('is written the way A1111 writes it, with the SA settings as a quoted JSON field', () => {
    expect(a1111Text(SET)).toBe(
      'a sloth, in a tree\nNegative prompt: blurry\n' +
        `Steps: 20, Sampler: Euler, CFG scale: 7.5, Seed: 1, Size: 512x512, Model: tiny, SlothfulAttention: ${JSON.stringify(SA_JSON)}`,
    );
  });

  it('adds img2img and hires fields when used, and leaves out an empty negative prompt', () => {
    const gen: GenParams = { ...SET.gen, negativePrompt: '', scheduler: 'dpmpp-2m-karras', hires: { ...SET.gen.hires, enabled: true } };
    const text = a1111Text({ gen, sa: SET.sa }, { img2img: true });
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('Sampler: DPM++ 2M Karras, ');
    expect(text).toContain('Denoising strength: 0.75, Hires upscale: 1.5, Hires steps: 10, Hires denoise: 0.5, SlothfulAttention: "{');
    expect(text).toContain('SlothfulAttention hires: "{\\"enabled\\":true,\\"time_decay\\":1,');
  });

  it('reads back what it writes (prompts without a "Negative prompt:" line of their own)', () => {
    const gen: GenParams = { ...SET.gen, prompt: 'line one\nline two: with, commas', negativePrompt: 'neg\nsecond', hires: { ...SET.gen.hires, enabled: true, scale: 2 } };
    expect(fromA1111Text(a1111Text({ gen, sa: SET.sa }))).toEqual({ params: { gen, sa: SET.sa }, notices: [] });
  });

  it("reads another tool's A1111 text, reporting the fields it ignores and the missing SA settings", () => {
    const text = 'masterpiece, 1girl, <lora:x:1>\nNegative prompt: lowres, bad anatomy\n' +
      'Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 3456, Size: 512x768, Model hash: abc123, Model: anything-v3, Denoising strength: 0.6, Version: v1.6.0';
    const { params, notices } = fromA1111Text(text);
    expect(params.gen).toEqual({
      ...DEFAULT_GEN_PARAMS, prompt: 'masterpiece, 1girl, <lora:x:1>', negativePrompt: 'lowres, bad anatomy', steps: 28,
      scheduler: 'dpmpp-2m-karras', guidance: 7, seed: 3456, width: 512, height: 768, model: 'anything-v3', denoise: 0.6,
    });
    expect(params.sa).toEqual(DEFAULT_SA_PARAMS);
    expect(notices.map((n) => n.message)).toEqual([
      'Fields this app does not use were ignored: Model hash, Version',
      'The PNG has no SlothfulAttention settings; using the SA defaults',
    ]);
  });

  it('treats text without a parameters line as a prompt only', () => {
    const { params } = fromA1111Text('just a prompt');
    expect(params.gen).toEqual({ ...DEFAULT_GEN_PARAMS, prompt: 'just a prompt', negativePrompt: '' });
  });
});

describe('writePngParams / readPngParams', () => {
  it('adds both chunks before IEND without touching the pixels, and reads the exact parameters back', async () => {
    const png = writePngParams(await basePng(), SET);
    const decoded = decodePngForTest(png);
    expect(decoded.chunkTypes).toEqual(['IHDR', 'IDAT', 'tEXt', 'tEXt', 'IEND']);
    expect(decoded.rgba).toEqual(RGBA);
    expect(readPngText(png).texts.map((t) => t.keyword)).toEqual(['parameters', 'slothful']);
    expect(readPngParams(png)).toEqual({ params: SET, notices: [], source: 'slothful', img2img: false });
  });

  it('round-trips 200 random valid parameter sets exactly', async () => {
    const png = await basePng();
    fc.assert(fc.property(genParamsArb, saParamsArb(DEFAULT_SA_PARAMS), (gen, sa) => {
      expect(readPngParams(writePngParams(png, { gen, sa }))).toEqual({ params: { gen, sa }, notices: [], source: 'slothful', img2img: false });
    }), { numRuns: 200 });
  });

  it('falls back to the A1111 chunk when ours is missing', async () => {
    const png = insertPngText(await basePng(), [{ keyword: 'parameters', text: a1111Text(SET) }]);
    expect(readPngParams(png)).toEqual({ params: SET, notices: [], source: 'parameters', img2img: false });
  });

  it('tells an img2img image (a denoising strength in the A1111 fields) from a txt2img one whose prompt only mentions it', async () => {
    const png = await basePng();
    expect(readPngParams(writePngParams(png, SET, { img2img: true }))!.img2img).toBe(true);
    const prompt = { ...SET, gen: { ...SET.gen, prompt: 'x, Denoising strength: 0.5' } };
    expect(readPngParams(writePngParams(png, prompt))!.img2img).toBe(false);
  });

  it('gives undefined for PNGs without parameters and for other files', async () => {
    expect(readPngParams(await basePng())).toBeUndefined();
    expect(readPngParams(new TextEncoder().encode('GIF89a'))).toBeUndefined();
    expect(readPngParams(new Uint8Array(0))).toBeUndefined();
  });

  it('treats a dropped PNG as untrusted: clamps, reports, keeps <script> as text', async () => {
    const evil = JSON.stringify({
      format: 'slothful', version: 2, extra: 1,
      gen: { prompt: '<script>alert(1)</script>', steps: 1e9, width: 333, scheduler: 'rm -rf', hires: { sa: { in: { k_blend: 5 } } } },
      sa: { out: { strength: -1 }, nope: true },
    });
    const r = readPngParams(insertPngText(await basePng(), [{ keyword: 'slothful', text: evil }]))!;
    expect(r.params.gen.prompt).toBe('<script>alert(1)</script>');
    expect([r.params.gen.steps, r.params.gen.width, r.params.gen.scheduler, r.params.gen.hires.sa.in.k_blend, r.params.sa.out.strength]).toEqual([150, 336, DEFAULT_GEN_PARAMS.scheduler, 1, 0]);
    expect(r.notices.map((n) => n.path)).toEqual(['version', 'extra', 'steps', 'width', 'scheduler', 'hires.sa.in.k_blend', 'sa.nope', 'sa.out.strength']);
  });

  it('reads a chunk that is not JSON as the defaults, with a notice', async () => {
    const r = readPngParams(insertPngText(await basePng(), [{ keyword: 'slothful', text: '{"gen": ' }]))!;
    expect(r.params).toEqual({ gen: DEFAULT_GEN_PARAMS, sa: DEFAULT_SA_PARAMS });
    expect(r.notices[0].message).toMatch(/not a JSON object/);
  });

  it('reports a damaged chunk and falls back to the other one', async () => {
    const png = writePngParams(await basePng(), SET);
    const at = findBytes(png, new TextEncoder().encode('"format"'));
    png[at + 2] ^= 0x20; // damage our JSON chunk
    const r = readPngParams(png)!;
    expect(r.source).toBe('parameters');
    expect(r.params).toEqual(SET);
    expect(r.notices.map((n) => n.message)).toEqual(['PNG: tEXt chunk "slothful" skipped: CRC mismatch (damaged file)']);
  });

  it('never throws on mutated PNGs and always gives valid parameters', async () => {
    const png = writePngParams(await basePng(), { gen: { ...SET.gen, prompt: 'ünïcödé 🦥' }, sa: SET.sa });
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (edits, cut) => {
      const mutated = png.slice(0, png.length - (cut % 64));
      for (const [at, v] of edits) mutated[at % mutated.length] = v;
      const r = readPngParams(mutated);
      if (r) expect(genParamsViolations(r.params.gen)).toEqual([]);
    }), { numRuns: 300 });
  });

  it('writes non-Latin-1 prompts as UTF-8 iTXt', async () => {
    const set: ParamSet = { gen: { ...SET.gen, prompt: 'ナマケモノ 🦥' }, sa: SET.sa };
    const png = writePngParams(await basePng(), set);
    expect(decodePngForTest(png).chunkTypes).toEqual(['IHDR', 'IDAT', 'iTXt', 'iTXt', 'IEND']);
    expect(readPngParams(png)!.params).toEqual(set);
    expect(JSON.parse(slothfulJson(set))).toMatchObject({ format: 'slothful', version: 1 });
  });
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}

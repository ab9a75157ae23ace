import { describe, expect, it } from 'vitest';
import { DataType } from '../onnx/proto.ts';
import type { GraphIo } from '../onnx/model-file.ts';
import { guidanceScaleEmbedding, unetContract } from './unet-contract.ts';
import { unetBatching } from './sd-pipeline.ts';
import { ModelLoadError } from './model-source.ts';

const io = (inputs: [string, DataType, (number | undefined)[]][]): GraphIo => ({ inputs: inputs.map(([name, dataType, dims]) => ({ name, dataType, dims })), outputs: [] });
const F = DataType.FLOAT;
const USUAL: [string, DataType, (number | undefined)[]][] = [['sample', F, [undefined, 4, undefined, undefined]], ['timestep', DataType.INT64, [undefined]], ['encoder_hidden_states', F, [undefined, 77, 768]]];

describe('unetContract', () => {
  it('the usual three inputs: no fixed shapes, no guidance embedding', () => {
    expect(unetContract(io(USUAL))).toEqual({});
  });
  it('fixed shapes (sd15-webnn: b2 c4 h64 w64)', () => {
    const c = unetContract(io([['sample', DataType.FLOAT16, [2, 4, 64, 64]], ...USUAL.slice(1)]));
    expect(c).toEqual({ fixedBatch: 2, fixedLatent: { h: 64, w: 64 } });
  });
  it("LCM's timestep_cond gives the embedding width", () => {
    expect(unetContract(io([...USUAL, ['timestep_cond', F, [undefined, 256]]])).guidanceEmbeddingDim).toBe(256);
  });
  it("SDXL's text_embeds [B, 1280] and time_ids [B, 6] give the added-condition widths", () => {
    expect(unetContract(io([...USUAL, ['text_embeds', F, [undefined, 1280]], ['time_ids', F, [undefined, 6]]])).sdxl).toEqual({ textEmbedsDim: 1280, timeIdsDim: 6 });
  });
  it('SDXL inputs: one without the other, a free width or a refiner-style time_ids (5) are typed errors', () => {
    const te: [string, DataType, (number | undefined)[]] = ['text_embeds', F, [undefined, 1280]];
    expect(() => unetContract(io([...USUAL, te]))).toThrow(/text_embeds but no time_ids/);
    expect(() => unetContract(io([...USUAL, te, ['time_ids', F, [undefined, undefined]]]))).toThrow(/fixed width/);
    expect(() => unetContract(io([...USUAL, te, ['time_ids', F, [undefined, 5]]]))).toThrow(/aesthetic scores \(5\) are not supported/);
  });
  it('an input it cannot feed is a typed error naming it', () => {
    const f = () => unetContract(io([...USUAL, ['added_cond', F, [undefined, 8]], ['control', F, [undefined, 6]]]), 'unet/model.onnx');
    expect(f).toThrow(ModelLoadError);
    expect(f).toThrow(/unet\/model\.onnx has inputs "added_cond", "control" that this app does not know how to feed/);
  });
  it('a missing input says which', () => {
    expect(() => unetContract(io(USUAL.slice(0, 2)))).toThrow(/no "encoder_hidden_states" input/);
  });
});

describe('guidanceScaleEmbedding (diffusers get_guidance_scale_embedding with w = guidance − 1)', () => {
  it('dim 4, guidance 1.5: w·1000 = 500 times exp(−i·ln(10000)) for i = 0, 1, then sin | cos', () => {
    const e = guidanceScaleEmbedding(1.5, 4);
    const a = [500, 500 / 10000]; // half = 2: exp(0), exp(−ln 10000) = 1e-4
    // float32 steps as torch takes them: equal to the exact values within float32 rounding
    [Math.sin(a[0]), Math.sin(a[1]), Math.cos(a[0]), Math.cos(a[1])].forEach((x, i) => expect(e[i]).toBeCloseTo(x, 6));
  });
  it('guidance 1 (w = 0) is [0…0 | 1…1]; 256 wide for LCM', () => {
    const e = guidanceScaleEmbedding(1, 256);
    expect(e.length).toBe(256);
    expect(Array.from(e.subarray(0, 128)).every((x) => x === 0)).toBe(true);
    expect(Array.from(e.subarray(128)).every((x) => x === 1)).toBe(true);
  });
});

describe('unetBatching', () => {
  it('CFG: batch 2 [uncond, cond]; no CFG: batch 1', () => {
    expect(unetBatching(undefined, 7.5)).toEqual({ B: 2, cfg: true });
    expect(unetBatching(undefined, 1)).toEqual({ B: 1, cfg: false });
  });
  it('a fixed batch of 2 keeps two rows without CFG; a fixed batch of 1 refuses CFG', () => {
    expect(unetBatching({ fixedBatch: 2 }, 0)).toEqual({ B: 2, cfg: false });
    expect(() => unetBatching({ fixedBatch: 1 }, 7)).toThrow(/batch 1 only/);
  });
  it('LCM: no CFG, guidance goes into timestep_cond for every row', () => {
    const b = unetBatching({ guidanceEmbeddingDim: 8, fixedBatch: 2 }, 8);
    expect([b.B, b.cfg]).toEqual([2, false]);
    expect(Array.from(b.timestepCond!.subarray(8))).toEqual(Array.from(guidanceScaleEmbedding(8, 8)));
  });
});

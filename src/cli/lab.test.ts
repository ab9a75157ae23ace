// `lab --quick` end to end with the synthetic tiny pipeline (random weights) written to a temp dir,
// rendered by the onnxruntime-node reference model (CPU reference SA sites; the GPU path of
// loadModelOnGpu + renderImage is what cli.gpu.test.ts checks): report.json's structure, every number finite,
// SA off rendered twice identical (SSIM 1, PSNR ∞), SA on differing from it, img2img measured
// against its own SA-off baseline, and report.html written with its plots and table.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePipeline } from '../models/pipeline.ts';
import { loadSdPipeline } from '../pipeline/load-pipeline.ts';
import { createCpuSdModel } from '../pipeline/testing/cpu-backend.ts';
import { parseCliArgs, type LabArgs } from './args.ts';
import { fileFetch, modelBase } from './file-fetch.ts';
import { memoryIo } from './io.ts';
import { labCommand, type LabLoader } from './lab.ts';
import { OBSERVATIONS, labVariants } from './lab-plan.ts';
import type { LabReport } from './lab-report.ts';

const tmp = mkdtempSync(join(tmpdir(), 'slothful-lab-gpu-'));
const model = join(tmp, 'tiny');
const out = join(tmp, 'lab');

/** Every number in a JSON value (paths for the message), nulls listed apart. */
function numbers(x: unknown, path = '', acc: { path: string; v: number }[] = []): { path: string; v: number }[] {
  if (typeof x === 'number') acc.push({ path, v: x });
  else if (Array.isArray(x)) x.forEach((e, i) => numbers(e, `${path}[${i}]`, acc));
  else if (x && typeof x === 'object') for (const [k, e] of Object.entries(x)) numbers(e, `${path}.${k}`, acc);
  return acc;
}

let report: LabReport;
let log = '';

beforeAll(async () => {
  await writePipeline(model, 'tiny', { attention: 'torch2', dtype: 'float32', seed: 1 });
  const io = memoryIo();
  const cpuLoader: LabLoader = async (a) => createCpuSdModel(await loadSdPipeline(modelBase(a.model), { fetchImpl: fileFetch(), withVaeEncoder: true }));
  const args = parseCliArgs(['lab', '--model', model, '--quick', '--prompt', 'a sloth', '--seeds', '7,8', '--out', out]) as LabArgs;
  await labCommand(args, io, cpuLoader);
  log = io.lines.join('\n');
  report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LabReport;
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lab --quick on the tiny model (onnxruntime-node reference)', () => {
  it('report.json: the quick plan (1 seed, 1 prompt), one run per variant, every observation judged', () => {
    expect(report.kind).toBe('slothful-sa-lab');
    expect(report.settings).toMatchObject({ width: 64, height: 64, steps: 2, seeds: [7], prompts: ['a sloth'], quick: true });
    const ids = labVariants(true).map((v) => v.id);
    expect(report.runs.map((r) => r.variant)).toEqual(ids);
    expect(report.runs.every((r) => r.seed === 7 && r.prompt === 'a sloth')).toBe(true);
    expect(report.observations.map((o) => o.id)).toEqual(OBSERVATIONS.map((o) => o.id));
    for (const o of report.observations) expect(['holds', 'does not hold', 'inconclusive']).toContain(o.verdict);
    expect(report.observations.find((o) => o.id === 'td0-breaks')!.n).toBe(1);
    expect(report.observations.find((o) => o.id === 'dd-composition')).toMatchObject({ n: 0, note: 'not measured' });
  });

  it('every number in the runs is finite; PSNR is null exactly where SSIM is 1', () => {
    const bad = numbers(report.runs).filter((e) => !Number.isFinite(e.v));
    expect(bad).toEqual([]);
    for (const r of report.runs) expect(r.metrics.psnr === null, r.variant).toBe(r.metrics.ssim === 1);
    for (const r of report.runs) expect(r.metrics.timeMs, r.variant).toBeGreaterThan(0);
  });

  it('SA off rendered twice is identical; SA on and img2img differ from their baselines', () => {
    const run = (id: string) => report.runs.find((r) => r.variant === id)!;
    expect(run('off-repeat').sameAs).toBeUndefined(); // really rendered again, not reused
    expect(run('off-repeat').metrics).toMatchObject({ ssim: 1, psnr: null, centroidShift: 0, edgeChange: 0 });
    expect(run('off').metrics.ssim).toBe(1);
    expect(report.checks.offRepeatIdentical).toBe(true);
    expect(run('td=0').metrics.ssim).toBeLessThan(1);
    expect(run('i2i-off').metrics.ssim).toBe(1); // its own baseline
    expect(run('i2i-default').metrics.ssim).toBeLessThan(1);
  });

  it('report.html has the table, the plots and the key images, and the log lists every verdict', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<tr><td>/g)).toHaveLength(OBSERVATIONS.length);
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/<img src="data:image\/png;base64,/);
    expect(html).not.toMatch(/<script|src="https?:/);
    expect(log.match(/^(holds|does not hold|inconclusive) +\S+: /gm)).toHaveLength(OBSERVATIONS.length);
  });
});

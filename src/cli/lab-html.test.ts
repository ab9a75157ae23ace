// report.html from a made-up report: one table row per observation with its verdict, SVG plots
// drawn by vega-lite/vega in Node with the sweep's values on the axis, and nothing fetched from
// the network (no scripts, no external URLs).
import { describe, expect, it } from 'vitest';
import { labReportHtml, sweepPlotRows, sweepSvg } from './lab-html.ts';
import { OBSERVATIONS, baselineOf, labVariants } from './lab-plan.ts';
import { buildLabReport, type LabRun } from './lab-report.ts';

function fakeReport() {
  const variants = labVariants(false);
  const runs: LabRun[] = variants.map((v, i) => ({
    variant: v.id, prompt: 'p', seed: 1, img2img: v.img2img, sa: v.sa,
    metrics: { ssim: v.id === baselineOf(v) || v.id === 'off-repeat' ? 1 : 0.9 - i / 100, psnr: v.id === 'off' ? null : 30, change: i / 100, centroidShift: i / 10, edgeEnergy: 5 + i, edgeChange: 0.1, colourfulness: 20, contrast: 0.2, timeMs: 100 + i },
  }));
  const settings = { width: 64, height: 64, steps: 2, scheduler: 'euler', guidance: 1, seeds: [1], prompts: ['p'], img2imgDenoise: 0.6, quick: false };
  return buildLabReport('m', settings, variants, runs, () => 0.1);
}

describe('lab report HTML', () => {
  it('the off-repeat check and one judged observation per row of the plan', () => {
    const r = fakeReport();
    expect(r.checks.offRepeatIdentical).toBe(false); // off-repeat's psnr is 30 in the fake: not identical
    expect(r.observations.map((o) => o.id)).toEqual(OBSERVATIONS.map((o) => o.id));
    expect(r.observations.every((o) => o.n === 1)).toBe(true);
  });

  it('a sweep plot is an SVG with the swept values on its axis', async () => {
    const r = fakeReport();
    expect(new Set(sweepPlotRows(r, 'td').map((row) => row.x))).toEqual(new Set([0, 1, 2, 4]));
    expect(new Set(sweepPlotRows(r, 'in-s').map((row) => row.x))).toEqual(new Set([0, 3, 6, 12, 24])); // 6 is in the sweep itself
    expect(new Set(sweepPlotRows(r, 'k-avg').map((row) => row.x))).toEqual(new Set([0, 0.25, 0.5, 1])); // 0: the defaults' run
    const svg = await sweepSvg(r, 'td');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('time_decay');
    expect(svg).toContain('RMS contrast');
  });

  it('the page: a row per observation, verdict classes, images, plots, and no network', async () => {
    const html = await labReportHtml(fakeReport(), [{ variant: 'off', label: 'SA off', dataUrl: 'data:image/png;base64,AAAA' }]);
    expect(html.match(/<tr><td>/g)).toHaveLength(OBSERVATIONS.length);
    expect(html).toMatch(/class="(ok|no|maybe)"/);
    expect(html).toContain('<img src="data:image/png;base64,AAAA" alt="SA off">');
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(10);
    expect(html).not.toMatch(/<script|<link|src="https?:|href="https?:/);
    expect(html).toContain('SA off rendered twice differs');
  });
});

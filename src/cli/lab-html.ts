// The SA lab's report.html: the observation table (from report.json's observations), one faceted
// plot per sweep drawn by vega-lite → vega → SVG headless (view.toSVG(); no DOM, no network), and a
// strip of small images for the key comparisons (PNG data URLs). Self-contained: open it offline.
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { METRIC_LABELS, SWEEPS, sideLabel, sweepVariantId, type LabMetric } from './lab-plan.ts';
import type { LabReport } from './lab-report.ts';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fmt = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));

const PLOTTED: readonly LabMetric[] = ['change', 'centroidShift', 'edgeEnergy', 'colourfulness', 'contrast', 'timeMs', 'sizeChange'];

/** Rows {x, metric, value, sample} of one sweep's runs (the defaults' runs at its atDefault value), for the plot. */
export function sweepPlotRows(report: LabReport, sweepId: string): { x: number; metric: string; value: number; sample: string }[] {
  const sweep = SWEEPS.find((s) => s.id === sweepId)!;
  const rows: { x: number; metric: string; value: number; sample: string }[] = [];
  const xs = [...new Set([...sweep.values.map(Number), sweep.atDefault])];
  for (const v of xs) {
    let runs = report.runs.filter((k) => k.variant === sweepVariantId(sweep, v));
    if (!runs.length && v === sweep.atDefault) runs = report.runs.filter((k) => k.variant === 'default');
    for (const r of runs) {
      for (const m of PLOTTED) {
        const value = r.metrics[m];
        if (typeof value === 'number' && Number.isFinite(value)) rows.push({ x: Number(v), metric: METRIC_LABELS[m], value, sample: `seed ${r.seed} · ${r.prompt}` });
      }
    }
  }
  return rows;
}

/** One sweep's small multiples (a panel per metric: each sample's points and the mean line) as SVG. */
export async function sweepSvg(report: LabReport, sweepId: string): Promise<string | undefined> {
  const sweep = SWEEPS.find((s) => s.id === sweepId)!;
  const values = sweepPlotRows(report, sweepId);
  if (!values.some((r) => r.x !== sweep.atDefault)) return undefined;
  const x = { field: 'x', type: 'quantitative', title: sweep.label, axis: { format: '~g' } } as const;
  const spec: vl.TopLevelSpec = {
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null, header: { labelFontSize: 11 } },
    columns: 3,
    spec: {
      width: 170,
      height: 110,
      layer: [
        { mark: { type: 'point', opacity: 0.45, size: 18 }, encoding: { x, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false }, axis: { format: '.4~g' } }, color: { field: 'sample', type: 'nominal', legend: null } } },
        { mark: { type: 'line', point: true, color: '#222' }, encoding: { x, y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: null, axis: { format: '.4~g' } } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { font: 'sans-serif' },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function observationTable(report: LabReport): string {
  const rows = report.observations.map((o) => {
    const cls = o.verdict === 'holds' ? 'ok' : o.verdict === 'does not hold' ? 'no' : 'maybe';
    const measured = `${esc(sideLabel(o.a))}: ${fmt(o.meanA)} · ${esc(sideLabel(o.b))}: ${fmt(o.meanB)} · diff ${fmt(o.meanDiff)} ± ${fmt(o.se)} (n ${o.n})`;
    return `<tr><td>${esc(o.claim)} <small>(SPEC_SA ${esc(o.cite)})</small></td><td><small>${esc(o.holdsIf)}</small></td><td>${measured}</td><td class="${cls}">${esc(o.verdict)}${o.note ? `<br><small>${esc(o.note)}</small>` : ''}</td></tr>`;
  });
  return `<table class="obs"><tr><th>observation</th><th>holds if</th><th>measured (means)</th><th>here</th></tr>${rows.join('')}</table>`;
}

/** The whole page; `images` are PNG data URLs of key variants for the first prompt and seed. */
export async function labReportHtml(report: LabReport, images: readonly { variant: string; label: string; dataUrl: string }[]): Promise<string> {
  const plots: string[] = [];
  for (const s of SWEEPS) {
    const svg = await sweepSvg(report, s.id);
    if (svg) plots.push(`<h3>${esc(s.label)}</h3>${svg}`);
  }
  const strip = images.map((i) => `<figure><img src="${i.dataUrl}" alt="${esc(i.label)}"><figcaption>${esc(i.label)}</figcaption></figure>`).join('');
  const s = report.settings;
  const check = report.checks.offRepeatIdentical ? 'SA off rendered twice: identical (SSIM 1).' : '<b class="no">SA off rendered twice differs: the numbers below mix in run-to-run noise.</b>';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>SA lab: ${esc(report.model)}</title>
<style>body{font:14px system-ui,sans-serif;margin:16px;max-width:1100px}table.obs{border-collapse:collapse}table.obs td,table.obs th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
.ok{background:#dfd}.no{background:#fdd}.maybe{background:#ffd}figure{display:inline-block;margin:4px;text-align:center}figure img{width:96px;image-rendering:pixelated}figcaption{font-size:11px;max-width:110px}</style>
</head><body>
<h1>SlothfulAttention lab: ${esc(report.model)}</h1>
<p>${s.width}×${s.height}, ${s.steps} steps ${esc(s.scheduler)}, guidance ${s.guidance}; seeds ${s.seeds.join(', ')}; ${s.prompts.length} prompt(s); img2img denoise ${s.img2imgDenoise}${s.quick ? '; <b>--quick</b>' : ''}. ${report.runs.length} runs. ${check}</p>
<h2>Observation → measured → here</h2>
${observationTable(report)}
<h2>Key comparisons (${esc(report.images.prompt)}, seed ${report.images.seed})</h2>
<div>${strip}</div>
<h2>Sweeps (one parameter at a time from the defaults; points: each sample, line: the mean)</h2>
${plots.join('\n')}
<p><small>Metrics: SSIM/PSNR vs SA off with the same seed (src/image/metrics.ts); centroid shift, edge energy, colourfulness (Hasler &amp; Süsstrunk 2003), RMS contrast (src/image/image-stats.ts); time is the pipeline's total per image. Data: report.json.</small></p>
</body></html>
`;
}

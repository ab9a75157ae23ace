// X/Y sweep axes for `cli sweep`: 'path=v1,v2,…' where path is a generation parameter (seed,
// steps, guidance, width, height, scheduler, prompt, negativePrompt) or `sa.<SA path>` (e.g.
// sa.in.strength, sa.time_decay). Values are read by the parameter's kind and validated by the
// same normalizers as URL presets, so clamped values come with notices. Pure.
import { normalizeSaParams, SA_PARAM_SPECS, type Notice } from '../sa/index.ts';
import { GEN_PARAM_SPECS, normalizeGenParams, type ParamSet } from '../params/gen-params.ts';
import { parseQueryValue } from '../params/url-preset.ts';
import { CliUsageError } from './args.ts';

export interface SweepAxis {
  path: string;
  values: string[];
}

const GEN_PATHS = GEN_PARAM_SPECS.map((s) => s.path).filter((p) => !p.includes('.') && p !== 'model' && p !== 'denoise');
const SA_PATHS = SA_PARAM_SPECS.map((s) => `sa.${s.path}`);

export function parseAxis(flag: string, raw: string): SweepAxis {
  const eq = raw.indexOf('=');
  const path = raw.slice(0, eq).trim();
  const values = raw.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
  if (eq < 1 || !values.length) throw new CliUsageError(`--${flag} must look like sa.in.strength=0,4,8 (a parameter, '=', values separated by commas).`);
  if (!GEN_PATHS.includes(path as never) && !SA_PATHS.includes(path)) {
    throw new CliUsageError(`--${flag}: unknown parameter ${JSON.stringify(path)}; use one of ${[...GEN_PATHS, ...SA_PATHS].join(', ')}.`);
  }
  return { path, values };
}

/** `set` with `path` = `raw`, through the normalizers (out-of-range values clamped, with notices). */
export function withAxisValue(set: ParamSet, path: string, raw: string): { set: ParamSet; notices: Notice[] } {
  if (path.startsWith('sa.')) {
    const spec = SA_PARAM_SPECS.find((s) => `sa.${s.path}` === path)!;
    const value = parseQueryValue(spec.kind, raw);
    const [head, key] = spec.path.split('.') as [string, string | undefined];
    const patch = key === undefined ? { [head]: value } : { [head]: { ...set.sa[head as 'in' | 'out'], [key]: value } };
    const r = normalizeSaParams({ ...set.sa, ...patch });
    return { set: { ...set, sa: r.params }, notices: r.notices.map((n) => ({ ...n, path: `sa.${n.path}` })) };
  }
  const spec = GEN_PARAM_SPECS.find((s) => s.path === path)!;
  const r = normalizeGenParams({ ...set.gen, [path]: parseQueryValue(spec.kind, raw) });
  return { set: { ...set, gen: r.params }, notices: r.notices };
}

export interface SweepCell {
  /** column (x) and row (y) index */
  i: number;
  j: number;
  file: string;
  set: ParamSet;
  label: string;
}

/** Every cell of the grid, row by row (y outer), with its parameters and file name. */
export function sweepCells(base: ParamSet, x: SweepAxis, y?: SweepAxis): { cells: SweepCell[]; notices: Notice[] } {
  const notices: Notice[] = [];
  const cells: SweepCell[] = [];
  const ys = y ? y.values : [undefined];
  ys.forEach((yv, j) => {
    let row = base;
    if (y && yv !== undefined) {
      const r = withAxisValue(base, y.path, yv);
      row = r.set;
      notices.push(...r.notices);
    }
    x.values.forEach((xv, i) => {
      const r = withAxisValue(row, x.path, xv);
      if (j === 0) notices.push(...r.notices);
      const label = `${x.path}=${xv}${y ? `, ${y.path}=${yv}` : ''}`;
      cells.push({ i, j, file: `x${i}_y${j}.png`, set: r.set, label });
    });
  });
  return { cells, notices };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained index.html: the grid with axis labels, each image linked to its PNG. */
export function sweepIndexHtml(title: string, x: SweepAxis, y: SweepAxis | undefined, cells: readonly (SweepCell & { note?: string })[]): string {
  const rows = (y ? y.values : ['']).map((yv, j) => {
    const tds = x.values.map((_, i) => {
      const c = cells.find((k) => k.i === i && k.j === j);
      if (!c) return '<td>—</td>';
      return `<td><a href="${esc(c.file)}"><img src="${esc(c.file)}" alt="${esc(c.label)}"></a><br><small>${esc(c.note ?? '')}</small></td>`;
    });
    return `<tr><th>${y ? esc(`${y.path}=${yv}`) : ''}</th>${tds.join('')}</tr>`;
  });
  const head = `<tr><th></th>${x.values.map((v) => `<th>${esc(`${x.path}=${v}`)}</th>`).join('')}</tr>`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui;margin:16px}td,th{padding:4px;text-align:center;vertical-align:top}img{max-width:256px;image-rendering:pixelated}</style>
</head><body><h1>${esc(title)}</h1><table>${head}${rows.join('')}</table></body></html>
`;
}

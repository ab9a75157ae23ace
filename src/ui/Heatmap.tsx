// Stride heatmap: each attn1 site (grouped down / mid / up, by level) × each sampler step, with
// the K/V window in each cell ('3×2', '1D·4', '—' for plain attention), recomputed as the SA
// sliders move. Colour: how many times fewer K/V tokens than queries.
import { Fragment, useMemo, useState, type CSSProperties } from 'react';
import { gridLabel, heatmapFor, type Heatmap as HeatmapData, type HeatmapCell, type HeatmapPass } from '../state/heatmap.ts';
import { shownResult } from '../state/history-slice.ts';
import { useApp } from '../state/store.ts';
import { Panel } from './controls.tsx';

const GROUPS = [
  { side: 'in', label: 'Down blocks (in)' },
  { side: 'mid', label: 'Mid block' },
  { side: 'out', label: 'Up blocks (out)' },
] as const;

const SOURCE: Record<HeatmapData['source'], string> = {
  schedule: 'timesteps of the sampler on SD’s default schedule',
  result: 'timesteps of the image shown',
  preview: 'timesteps of the sampler’s default schedule (preview)',
};

/** Where the rows come from, when it is not the loaded model itself. */
const SITES: Record<HeatmapData['sitesFrom'], string> = {
  model: '',
  catalog: ' Sites from this model’s U-Net layout (not loaded yet).',
  assumed: ' This model’s sites are not known until it is loaded: the rows show SD 1.x/2.x’s 16 sites.',
};

function cellStyle(c: HeatmapCell): CSSProperties | undefined {
  if (!c.active) return undefined;
  const k = Math.min(1, Math.log2(c.reduction) / 5); // 32× fewer tokens = full colour
  return { background: `color-mix(in srgb, var(--heat) ${Math.round(15 + 85 * k)}%, transparent)` };
}

function cellTitle(c: HeatmapCell, site: string, step: number, t: number): string {
  const head = `${site}, step ${step + 1} (t = ${t.toFixed(0)})`;
  return c.active ? `${head}: window ${c.label}, stride ${c.s.toFixed(2)}, ${c.reduction.toFixed(1)}× fewer K/V tokens` : `${head}: plain attention (stride ${c.s.toFixed(2)})`;
}

export function Heatmap() {
  const params = useApp((s) => s.params);
  const model = useApp((s) => s.model);
  const initImage = useApp((s) => s.initImage);
  const history = useApp((s) => s.history);
  const timestepsFor = useApp((s) => s.timestepsFor);
  const customBase = useApp((s) => s.customBase);
  const catalog = useApp((s) => s.catalog);
  const localFolder = useApp((s) => s.localFolder);
  const [passChoice, setPass] = useState<HeatmapPass>('first');
  const pass = params.gen.hires.enabled ? passChoice : 'first';
  const map = useMemo(
    () => heatmapFor({ params, model, initImage, history, timestepsFor, customBase, catalog, localFolder }, pass, shownResult(history)),
    [params, model, initImage, history, timestepsFor, customBase, catalog, localFolder, pass],
  );
  const activeCells = map.rows.reduce((n, r) => n + r.cells.filter((c) => c.active).length, 0);
  return (
    <Panel
      title="Stride heatmap"
      testId="heatmap-panel"
      className="heatmap-panel"
      actions={
        params.gen.hires.enabled && (
          <div className="seg" role="group" aria-label="Pass">
            <button type="button" aria-pressed={pass === 'first'} onClick={() => setPass('first')}>
              First pass
            </button>
            <button type="button" aria-pressed={pass === 'hires'} onClick={() => setPass('hires')}>
              Second pass
            </button>
          </div>
        )
      }
    >
      <p className="hint">
        K/V window (rows × columns) per self-attention site and step; “—” = plain attention. Latent grid <span data-testid="heatmap-latent">{gridLabel(map.latent)}</span> (rows × columns), {map.timesteps.length} steps, {SOURCE[map.source]}.{' '}
        <span data-testid="heatmap-active">{activeCells}</span> of {map.rows.length * map.timesteps.length} cells pooled.
        <span data-testid="heatmap-sites" data-from={map.sitesFrom}>{SITES[map.sitesFrom]}</span>
      </p>
      {/* a scrolling region: focusable, so the keyboard can scroll it */}
      <div className="heatmap-scroll" tabIndex={0} role="region" aria-label="Stride heatmap: sites × steps">
        <table className="heatmap" data-testid="heatmap" data-pass={pass}>
          <thead>
            <tr>
              <th scope="col">Site (grid)</th>
              {map.timesteps.map((t, i) => (
                <th key={i} scope="col" title={`t = ${t.toFixed(1)}`}>
                  {i + 1}
                  <span className="t">{Math.round(t)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {GROUPS.map((g) => {
              const rows = map.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.site.side === g.side);
              if (!rows.length) return null;
              return (
                <Fragment key={g.side}>
                  <tr className="group-row">
                    <th colSpan={map.timesteps.length + 1} scope="rowgroup">
                      {g.label}
                    </th>
                  </tr>
                  {rows.map(({ r, i }) => (
                    <tr key={i} data-testid={`heatmap-row-${i}`} data-side={r.site.side} data-level={r.site.level}>
                      <th scope="row" title={r.site.name}>
                        {r.short} <span className="muted">({gridLabel(r.grid)})</span>
                      </th>
                      {r.cells.map((c, j) => (
                        <td key={j} className={c.active ? 'on' : 'off'} style={cellStyle(c)} title={cellTitle(c, r.short, j, map.timesteps[j])}>
                          {c.label}
                        </td>
                      ))}
                    </tr>
                  ))}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

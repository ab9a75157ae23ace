// X/Y sweep: pick two parameters and 2–5 values each, run the grid (one image per cell, same
// seed), watch it fill in, cancel any time. Cells are labelled with the values actually used;
// values outside a parameter's range are fitted with a notice, and text that does not parse
// disables Run until it does.
import { useState } from 'react';
import { SWEEP_MAX_VALUES, SWEEP_MIN_VALUES, SWEEP_PARAMS, estimateText, sweepEstimate, sweepParamLabel, sweepProblems, type SweepPath } from '../state/sweep-slice.ts';
import { useApp } from '../state/store.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

function AxisEditor({ axis }: { axis: 'x' | 'y' }) {
  const value = useApp((s) => s.sweep[axis]);
  const input = useApp((s) => s.sweep.input[axis]);
  const setAxis = useApp((s) => s.setSweepAxis);
  const setText = useApp((s) => s.setSweepText);
  const busy = useApp((s) => s.run.job !== null);
  // what is being typed; once the field is left it shows the values the sweep will use
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? input.unparsed ?? value.values.join(', ');
  return (
    <fieldset className="group axis" data-testid={`sweep-${axis}`}>
      <legend>{axis.toUpperCase()} axis</legend>
      <div className="field">
        <label htmlFor={`sweep-${axis}-path`}>Parameter</label>
        <select
          id={`sweep-${axis}-path`}
          value={value.path}
          disabled={busy}
          onChange={(e) => {
            setDraft(null);
            setAxis(axis, { ...value, path: e.target.value as SweepPath });
          }}
        >
          {SWEEP_PARAMS.map((p) => (
            <option key={p.path} value={p.path}>
              {p.label} ({p.min}–{p.max})
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`sweep-${axis}-values`}>
          Values ({SWEEP_MIN_VALUES}–{SWEEP_MAX_VALUES}, comma-separated)
        </label>
        <input
          id={`sweep-${axis}-values`}
          value={text}
          disabled={busy}
          aria-invalid={input.unparsed !== null}
          aria-describedby={`sweep-${axis}-note`}
          onChange={(e) => {
            setDraft(e.target.value);
            setText(axis, e.target.value);
          }}
          onBlur={() => setDraft(null)}
        />
        <span id={`sweep-${axis}-note`} role="status" data-testid={`sweep-${axis}-note`}>
          {input.unparsed !== null ? (
            <span className="bad">Only numbers, please: the sweep cannot run until this parses.</span>
          ) : (
            input.notice && <span className="notice warn">{input.notice}</span>
          )}
        </span>
      </div>
    </fieldset>
  );
}

export function SweepView({ onPick }: { onPick?: () => void }) {
  const sweep = useApp((s) => s.sweep);
  const runSweep = useApp((s) => s.runSweep);
  const select = useApp((s) => s.selectResult);
  const busy = useApp((s) => s.run.job !== null);
  const estimate = useApp((s) => estimateText(sweepEstimate(s)));
  const problems = sweepProblems(sweep.x, sweep.y, sweep.input);
  const grid = sweep.grid;
  return (
    <div className="sweep-view" data-testid="sweep-view" data-status={sweep.status}>
      <div className="axes">
        <AxisEditor axis="x" />
        <AxisEditor axis="y" />
      </div>
      <div className="inline wrap">
        <button type="button" className="primary" data-testid="run-sweep" disabled={busy || problems.length > 0} onClick={() => void runSweep()}>
          Run sweep ({sweep.x.values.length * sweep.y.values.length} images)
        </button>
        <span className="muted" data-testid="sweep-estimate" title="The last image's time × the number of images">
          Time: {estimate}
        </span>
        {grid && (
          <span className="muted" data-testid="sweep-progress">
            {sweep.done}/{sweep.cells.length} done{sweep.status === 'cancelled' ? ' · cancelled' : ''}
          </span>
        )}
      </div>
      {problems.length > 0 && <p className="notice warn">{problems.join(' ')}</p>}
      {grid && (
        <div className="sweep-scroll">
          <table className="sweep-grid" data-testid="sweep-grid">
            <thead>
              <tr>
                <th scope="col" className="corner">
                  {sweepParamLabel(grid.y.path)} ↓ · {sweepParamLabel(grid.x.path)} →
                </th>
                {grid.x.values.map((v, i) => (
                  <th key={i} scope="col">
                    {v}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.y.values.map((yv, yi) => (
                <tr key={yi}>
                  <th scope="row">{yv}</th>
                  {grid.x.values.map((_xv, xi) => {
                    const cell = sweep.cells[yi * grid.x.values.length + xi];
                    return (
                      <td key={xi}>
                        {cell ? (
                          <button
                            type="button"
                            className="thumb-btn"
                            title={cell.label}
                            onClick={() => {
                              select(cell.id);
                              onPick?.();
                            }}
                          >
                            <ImageCanvas image={cell.image} label={cell.label} className="sweep-img" />
                          </button>
                        ) : (
                          <div className="placeholder">{sweep.status === 'running' ? '…' : '—'}</div>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

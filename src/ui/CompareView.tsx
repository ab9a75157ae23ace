// A/B comparison: baseline (SA off) and SA on with the same seed and settings, side by side, a
// wipe slider over the pair, the absolute-difference heat map, PSNR / SSIM, and per-stage
// timing bars for both runs with the SA ÷ baseline ratio, and who paid the shader compiles.
import { useState } from 'react';
import type { StageTimings } from '../pipeline/engine.ts';
import { TIMING_STAGES, timingRatios, type WarmUp } from '../state/compare-slice.ts';
import { useApp } from '../state/store.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

function Wipe({ a, b }: { a: Parameters<typeof ImageCanvas>[0]['image']; b: Parameters<typeof ImageCanvas>[0]['image'] }) {
  const [pos, setPos] = useState(50);
  return (
    <figure className="wipe" data-testid="compare-wipe">
      <div className="wipe-stack">
        <ImageCanvas image={a} label="SA off (baseline)" />
        <div className="wipe-top" style={{ clipPath: `inset(0 0 0 ${pos}%)` }}>
          <ImageCanvas image={b} label="SA on" />
        </div>
        <div className="wipe-line" style={{ left: `${pos}%` }} />
      </div>
      <input type="range" min={0} max={100} value={pos} aria-label="Wipe between SA off (left) and SA on (right)" onChange={(e) => setPos(Number(e.target.value))} />
      <figcaption>
        Wipe: left of the line SA off, right SA on
      </figcaption>
    </figure>
  );
}

/** Which run paid the shader compiles: neither, thanks to a warm-up now or an earlier pair. */
export function compileNote(warmUp: WarmUp | null): string {
  if (!warmUp) return 'Unknown whether a run paid the shader compiles.';
  if (warmUp.kind === 'earlier') return 'Neither run paid shader compiles: an earlier comparison in this page compiled them for this model and size.';
  const s = (warmUp.ms / 1000).toFixed(1);
  return `Neither run paid shader compiles: an untimed warm-up (${warmUp.steps} step${warmUp.steps === 1 ? '' : 's'}, ${s} s) compiled them first.`;
}

function TimingBars({ a, b, warmUp }: { a: StageTimings; b: StageTimings; warmUp: WarmUp | null }) {
  const ratio = timingRatios(a, b);
  const max = Math.max(a.total, b.total, 1e-9);
  return (
    <table className="timings" data-testid="compare-timings">
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">SA off / SA on (ms)</th>
          <th scope="col">SA ÷ off</th>
        </tr>
      </thead>
      <tbody>
        {TIMING_STAGES.map(({ key, label }) => (
          <tr key={key} className={key === 'total' ? 'total' : ''}>
            <th scope="row">{label}</th>
            <td>
              <div className="bar-pair">
                <div className="bar off" style={{ width: `${(100 * a[key]) / max}%` }} />
                <span>{a[key].toFixed(1)}</span>
                <div className="bar sa" style={{ width: `${(100 * b[key]) / max}%` }} />
                <span>{b[key].toFixed(1)}</span>
              </div>
            </td>
            <td className={ratio[key] < 1 ? 'good' : ratio[key] > 1 ? 'slow' : ''}>{Number.isFinite(ratio[key]) ? `${ratio[key].toFixed(2)}×` : '—'}</td>
          </tr>
        ))}
      </tbody>
      <caption className="muted">
        <span data-testid="compile-note">{compileNote(warmUp)}</span> Timing method: {b.method}. Weak SA can even be slower — measure, don’t assume.
      </caption>
    </table>
  );
}

export function CompareView() {
  const compare = useApp((s) => s.compare);
  const runCompare = useApp((s) => s.runCompare);
  const busy = useApp((s) => s.run.job !== null);
  const { baseline, sa, metrics } = compare;
  return (
    <div className="compare-view" data-testid="compare-view" data-status={compare.status}>
      <div className="inline wrap">
        <button type="button" className="primary" data-testid="run-compare" disabled={busy} onClick={() => void runCompare()}>
          {compare.status === 'running' ? 'Comparing…' : 'Compare SA off vs on'}
        </button>
        <span className="muted">Same seed and settings; the first image has SA off in both passes.</span>
      </div>
      {compare.status === 'running' && !compare.warmUp && <p className="muted" data-testid="compare-warm-up">Warming up: an untimed short generation compiles the shaders, so that neither timed run pays for them…</p>}
      {compare.status === 'cancelled' && <p className="muted">Comparison cancelled.</p>}
      {(baseline || sa) && (
        <div className="pair">
          <figure>
            {baseline ? <ImageCanvas image={baseline.image} label="SA off (baseline)" testId="compare-baseline" /> : <div className="placeholder">…</div>}
            <figcaption>SA off</figcaption>
          </figure>
          <figure>
            {sa ? <ImageCanvas image={sa.image} label="SA on" testId="compare-sa" /> : <div className="placeholder">{compare.status === 'running' ? 'Generating…' : '—'}</div>}
            <figcaption>SA on</figcaption>
          </figure>
        </div>
      )}
      {metrics && baseline && sa && (
        <>
          <dl className="metrics" data-testid="compare-metrics">
            <div>
              <dt>PSNR</dt>
              <dd data-testid="psnr">{Number.isFinite(metrics.psnr) ? `${metrics.psnr.toFixed(2)} dB` : '∞ (identical)'}</dd>
            </div>
            <div>
              <dt>SSIM</dt>
              <dd data-testid="ssim">{metrics.ssim.toFixed(4)}</dd>
            </div>
            <div>
              <dt>Max |difference|</dt>
              <dd>{metrics.maxDiff} / 255</dd>
            </div>
          </dl>
          <div className="pair">
            <Wipe a={baseline.image} b={sa.image} />
            <figure>
              <ImageCanvas image={metrics.diff} label="Absolute difference heat map" testId="compare-diff" />
              <figcaption>|SA on − SA off|, brightest = {metrics.maxDiff}</figcaption>
            </figure>
          </div>
          <TimingBars a={baseline.timings} b={sa.timings} warmUp={compare.warmUp} />
        </>
      )}
      {compare.metricsError && <p className="bad">Could not compare the images: {compare.metricsError}</p>}
    </div>
  );
}

// History strip: thumbnails of every image made since the page opened (newest first, at most
// HISTORY_LIMIT); clicking one shows it in the viewer.
import { HISTORY_LIMIT, shownResult } from '../state/history-slice.ts';
import { useApp } from '../state/store.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

export function HistoryStrip({ onPick }: { onPick?: () => void }) {
  const history = useApp((s) => s.history);
  const select = useApp((s) => s.selectResult);
  const clear = useApp((s) => s.clearHistory);
  if (!history.items.length) return null;
  const shown = shownResult(history);
  return (
    <section className="history" aria-label="History" data-testid="history">
      <div className="history-head">
        <span className="muted">
          History ({history.items.length}/{HISTORY_LIMIT})
        </span>
        <button type="button" className="small" onClick={clear}>
          Clear
        </button>
      </div>
      <ol className="history-strip">
        {[...history.items].reverse().map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={`thumb-btn ${shown?.id === r.id ? 'selected' : ''}`}
              aria-pressed={shown?.id === r.id}
              title={`${r.label || r.params.gen.prompt} · seed ${r.seed}`}
              data-testid="history-item"
              onClick={() => {
                select(r.id);
                onPick?.();
              }}
            >
              <ImageCanvas image={r.image} label={`History image ${r.id}`} className="thumb" />
              {r.kind !== 'single' && <span className="badge">{r.kind === 'baseline' ? 'off' : r.kind === 'sa' ? 'SA' : 'XY'}</span>}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

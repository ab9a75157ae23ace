// What the last link, PNG or edit did not use as given (clamped values, unknown keys…) and what a
// load or model switch did (info: "Settings restored from x.png", the new model's defaults), as a
// dismissible list. Rendered as text only: a link's content never becomes markup.
import { useApp } from '../state/store.ts';

export function Notices() {
  const notices = useApp((s) => s.params.notices);
  const clear = useApp((s) => s.clearNotices);
  if (!notices.length) return null;
  const problems = notices.some((n) => n.level !== 'info');
  return (
    <section className={`notice ${problems ? 'warn' : 'info'} notices`} role="status" aria-label="Notices" data-testid="notices">
      <div className="notices-head">
        <strong>{problems ? 'Notices from the last link, file or edit' : 'Notices'}</strong>
        <button type="button" className="small" data-testid="dismiss-notices" onClick={clear}>
          Dismiss
        </button>
      </div>
      <ul>
        {notices.map((n, i) => (
          <li key={i} data-testid="notice" data-level={n.level ?? 'problem'}>
            {n.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

// What the last link, PNG or edit did not use as given (clamped values, unknown keys…), as a
// dismissible list. Rendered as text only: a link's content never becomes markup.
import { useApp } from '../state/store.ts';

export function Notices() {
  const notices = useApp((s) => s.params.notices);
  const clear = useApp((s) => s.clearNotices);
  if (!notices.length) return null;
  return (
    <section className="notice warn notices" role="status" aria-label="Notices" data-testid="notices">
      <div className="notices-head">
        <strong>Notices from the last link, file or edit</strong>
        <button type="button" className="small" data-testid="dismiss-notices" onClick={clear}>
          Dismiss
        </button>
      </div>
      <ul>
        {notices.map((n, i) => (
          <li key={i} data-testid="notice">
            {n.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

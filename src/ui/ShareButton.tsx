// Share: copies a link that restores every parameter (the v1 URL preset) and says so for a few
// seconds (the store's flash); where the clipboard is not available the link is shown to copy by
// hand until closed.
import { useState } from 'react';
import { useApp } from '../state/store.ts';

export function shareLink(query: string): string {
  return `${location.origin}${location.pathname}?${query}`;
}

export function ShareButton() {
  const toUrl = useApp((s) => s.toUrl);
  const flash = useApp((s) => (s.flash?.place === 'share' ? s.flash.text : null));
  const showFlash = useApp((s) => s.showFlash);
  const [shown, setShown] = useState<{ link: string; copied: boolean } | null>(null);
  const share = async () => {
    const link = shareLink(toUrl());
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      // no clipboard (permission, insecure origin): the link is shown to copy by hand
    }
    setShown({ link, copied });
    if (copied) showFlash({ place: 'share', text: 'Link copied.' });
  };
  // a copied link's box goes with its confirmation; one to copy by hand stays until closed
  const open = shown && (!shown.copied || flash !== null);
  return (
    <div className="share">
      <button type="button" data-testid="share" onClick={() => void share()}>
        Share link
      </button>
      {open && (
        <div className="share-out" data-testid="share-out">
          <span role="status">{shown.copied ? flash : 'Copy this link:'}</span>
          <input readOnly value={shown.link} aria-label="Link to these settings" data-testid="share-link" onFocus={(e) => e.target.select()} />
          <button type="button" className="small" onClick={() => setShown(null)} aria-label="Close">
            ×
          </button>
        </div>
      )}
    </div>
  );
}

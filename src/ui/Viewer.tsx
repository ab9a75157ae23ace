// The centre column: tabs for the image, the A/B comparison and the X/Y sweep (WAI-ARIA tabs: arrow
// keys, Home and End move between them), with the history strip underneath.
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { useApp } from '../state/store.ts';
import { CompareView } from './CompareView.tsx';
import { HistoryStrip } from './HistoryStrip.tsx';
import { ImageView } from './ImageView.tsx';
import { SweepView } from './SweepView.tsx';
import { tabKeyTarget } from './tab-keys.ts';

const TABS = [
  { id: 'image', label: 'Image' },
  { id: 'compare', label: 'Compare' },
  { id: 'sweep', label: 'X/Y sweep' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export function Viewer() {
  const [tab, setTab] = useState<Tab>('image');
  const job = useApp((s) => s.run.job);
  // a comparison or sweep started elsewhere (test API, shortcut) shows its own tab
  const [lastJob, setLastJob] = useState(job);
  if (job !== lastJob) {
    setLastJob(job);
    if (job === 'compare' || job === 'sweep') setTab(job);
    if (job === 'generate') setTab('image');
  }
  const ids = useId();
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  /** Arrow keys, Home and End select a tab and move the focus to it (the tabs' roving tabindex). */
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const target = tabKeyTarget(e.key, index, TABS.length);
    if (target === null) return;
    e.preventDefault();
    setTab(TABS[target].id);
    tabRefs.current[target]?.focus();
  };
  const panel = (id: Tab) => (id === 'image' ? <ImageView /> : id === 'compare' ? <CompareView /> : <SweepView onPick={() => setTab('image')} />);
  return (
    <section className="panel viewer" aria-label="Results" data-testid="viewer">
      <div className="tabs" role="tablist" aria-label="Result views">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            id={`${ids}-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`${ids}-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {TABS.map((t) => (
        // every tab's panel exists (its aria-controls target); only the selected one is shown and rendered
        <div key={t.id} id={`${ids}-panel-${t.id}`} role="tabpanel" aria-labelledby={`${ids}-tab-${t.id}`} hidden={tab !== t.id} data-testid={`tabpanel-${t.id}`}>
          {tab === t.id && panel(t.id)}
        </div>
      ))}
      <HistoryStrip onPick={() => setTab('image')} />
    </section>
  );
}

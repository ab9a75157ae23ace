// The centre column: tabs for the image, the A/B comparison and the X/Y sweep, with the history
// strip underneath.
import { useState } from 'react';
import { useApp } from '../state/store.ts';
import { CompareView } from './CompareView.tsx';
import { HistoryStrip } from './HistoryStrip.tsx';
import { ImageView } from './ImageView.tsx';
import { SweepView } from './SweepView.tsx';

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
  return (
    <section className="panel viewer" aria-label="Results" data-testid="viewer">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} data-testid={`tab-${t.id}`} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'image' && <ImageView />}
        {tab === 'compare' && <CompareView />}
        {tab === 'sweep' && <SweepView onPick={() => setTab('image')} />}
      </div>
      <HistoryStrip onPick={() => setTab('image')} />
    </section>
  );
}

// The header's one-line GPU status (gpu-status.ts); a link to the full GPU panel, which it scrolls
// to and focuses.
import { useApp } from '../state/store.ts';
import { gpuStatusLine } from './gpu-status.ts';

export function GpuStatusLine() {
  const gpu = useApp((s) => s.gpu);
  const errors = useApp((s) => s.deviceErrors.length);
  const line = gpuStatusLine(gpu, errors);
  return (
    <a
      className={`gpu-line ${line.tone}`}
      href="#gpu-panel"
      data-testid="gpu-line"
      title="Show the GPU panel"
      onClick={(e) => {
        const panel = document.getElementById('gpu-panel');
        if (!panel) return;
        e.preventDefault();
        panel.scrollIntoView({ block: 'start' });
        panel.focus({ preventScroll: true });
      }}
    >
      {line.text}
    </a>
  );
}

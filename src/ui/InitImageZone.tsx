// The img2img init image: drop a file here or choose one. Only its pixels are used; a PNG that
// carries generation parameters (ours or A1111-style) offers "Restore the PNG’s settings" beside it.
import { useState, type DragEvent } from 'react';
import { useApp } from '../state/store.ts';
import { ImageCanvas } from './ImageCanvas.tsx';
import { readInitImage } from './image-io.ts';

export function InitImageZone() {
  const init = useApp((s) => s.initImage);
  const setInitImage = useApp((s) => s.setInitImage);
  const settings = useApp((s) => s.initImageSettings);
  const restoreSettings = useApp((s) => s.restoreInitImageSettings);
  const busy = useApp((s) => s.run.job !== null);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [restored, setRestored] = useState(false);

  const take = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setRestored(false);
    try {
      const { image, png } = await readInitImage(file);
      setInitImage(image, png);
    } catch (e) {
      setError(`Could not read ${file.name || 'that file'} as an image: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation(); // the page's drop handler would restore parameters a second time
    setOver(false);
    void take(e.dataTransfer.files[0]);
  };

  return (
    <div
      className={`drop-zone ${over ? 'over' : ''}`}
      data-testid="init-drop"
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {init ? (
        <div className="init-preview">
          <ImageCanvas image={init} label="img2img init image" className="thumb" />
          <div>
            <div>
              Init image {init.width} × {init.height} (resized to the output size)
            </div>
            <button type="button" className="small" disabled={busy} onClick={() => setInitImage(null)}>
              Remove (txt2img)
            </button>
            {settings && (
              <p data-testid="init-settings">
                This PNG carries the settings it was made with; only its pixels are used.{' '}
                <button
                  type="button"
                  className="small"
                  disabled={busy}
                  onClick={() => {
                    restoreSettings();
                    setRestored(true);
                  }}
                >
                  Restore the PNG’s settings
                </button>
                <span role="status">{restored ? ' Settings restored (prompt, seed, size, SA…).' : ''}</span>
              </p>
            )}
          </div>
        </div>
      ) : (
        <label className="drop-label">
          Drop an image here for img2img, or <span className="link">choose a file</span>
          <input type="file" accept="image/*" className="visually-hidden" disabled={busy} onChange={(e) => void take(e.target.files?.[0])} />
        </label>
      )}
      {error && <p className="bad">{error}</p>}
    </div>
  );
}

// The img2img init image: drop a file here or choose one. A PNG that carries generation
// parameters (ours or A1111-style) also restores them, with notices for what was changed.
import { useState, type DragEvent } from 'react';
import { readPngParams } from '../params/png-metadata.ts';
import { useApp } from '../state/store.ts';
import { ImageCanvas } from './ImageCanvas.tsx';
import { decodeImageFile, fileBytes, isPngFile } from './image-io.ts';

export function InitImageZone() {
  const init = useApp((s) => s.initImage);
  const setInitImage = useApp((s) => s.setInitImage);
  const loadFromPng = useApp((s) => s.loadFromPng);
  const busy = useApp((s) => s.run.job !== null);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const take = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const image = await decodeImageFile(file);
      setInitImage(image);
      if (isPngFile(file)) {
        const bytes = await fileBytes(file);
        if (readPngParams(bytes)) loadFromPng(bytes);
      }
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

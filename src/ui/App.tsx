// The application shell: header (the one-line GPU status, Share), notices, and the panels — generation on the left, the
// viewer and stride heatmap in the middle, SlothfulAttention on the right (one column on phones).
// Ctrl/Cmd+Enter generates; a PNG dropped anywhere restores its parameters. Reads and acts
// through the store only.
import { useEffect } from 'react';
import { appStore } from '../state/store.ts';
import { GenerationPanel } from './GenerationPanel.tsx';
import { GpuPanel } from './GpuPanel.tsx';
import { GpuStatusLine } from './GpuStatusLine.tsx';
import { Heatmap } from './Heatmap.tsx';
import { Notices } from './Notices.tsx';
import { SaPanel } from './SaPanel.tsx';
import { ShareButton } from './ShareButton.tsx';
import { Viewer } from './Viewer.tsx';
import { fileBytes } from './image-io.ts';

function useGlobalShortcuts() {
  useEffect(() => {
    const store = appStore();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void store.getState().generate();
      }
    };
    const onDragOver = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const onDrop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void fileBytes(file).then((bytes) => store.getState().restoreFromPng(bytes, file.name));
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
}

export function App() {
  useGlobalShortcuts();
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>Slothful</h1>
          <p className="tagline">Stable Diffusion on WebGPU with SlothfulAttention — runs entirely in your browser.</p>
          <GpuStatusLine />
        </div>
        <ShareButton />
      </header>
      <Notices />
      <main className="app-main">
        <div className="col col-gen">
          <GenerationPanel />
        </div>
        <div className="col col-view">
          <Viewer />
          <Heatmap />
        </div>
        <div className="col col-sa">
          <SaPanel />
          <GpuPanel />
        </div>
      </main>
    </div>
  );
}

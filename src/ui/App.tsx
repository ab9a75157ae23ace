// The application shell: header and panels. Reads and acts through the store only.
import { GpuPanel } from './GpuPanel.tsx';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Slothful</h1>
        <p className="tagline">Stable Diffusion on WebGPU with SlothfulAttention — runs entirely in your browser.</p>
      </header>
      <main className="app-main">
        <GpuPanel />
      </main>
    </div>
  );
}

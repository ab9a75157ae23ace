// Entry point: wires the real GPU/engine ports into the store, exposes the in-page test API, renders.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { createAppStore, installStore } from './state/store.ts';
import { MODEL_REGISTRY, refusalReason, sizeRefusal } from './pipeline/registry.ts';
import { createWorkerEngine, timestepsFor } from './app/create-engine.ts';
import { installTestApi } from './app/test-api.ts';
import { deleteStoredModel, listStoredModels } from './pipeline/stored-models.ts';
import './ui/app.css';

const engine = createWorkerEngine();
const models = { entries: MODEL_REGISTRY, refusalReason, sizeRefusal };
const storedModels = { list: listStoredModels, remove: deleteStoredModel };
const store = installStore(createAppStore({ engine, models, timestepsFor, storedModels }, { persistToUrl: true }));
installTestApi(store);
void store.getState().checkGpu();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

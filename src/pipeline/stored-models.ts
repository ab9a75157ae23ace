// The models kept in the browser — Cache Storage, and OPFS for files over its quota, where the
// engine's downloads go — listed per model (registry base URL, or the folder of a custom one) with
// their size, and deleted on request.
import { appModelCache, type ModelCache } from './model-source.ts';
import { MODEL_REGISTRY } from './registry.ts';

export interface StoredModel {
  /** the model's base URL */
  base: string;
  /** registry label, or the base for a custom model */
  label: string;
  files: number;
  bytes: number;
}

const PIPELINE_DIR = /\/(?:text_encoder|unet|vae_decoder|vae_encoder|tokenizer|scheduler)\/[^/]+$/;

/**
 * The base a cached file URL belongs to: a registry base it starts with; else the folder above a
 * pipeline sub-folder (…/unet/model.onnx → …) or the file's own folder (…/model_index.json → …).
 */
export function storedBaseOf(url: string): string {
  const known = MODEL_REGISTRY.find((e) => url.startsWith(e.base + '/'));
  if (known) return known.base;
  return PIPELINE_DIR.test(url) ? url.replace(PIPELINE_DIR, '') : url.slice(0, url.lastIndexOf('/'));
}

/** Lists what `cache` (default: the app's Cache Storage + OPFS store) keeps, per model. */
export async function listStoredModels(cache?: ModelCache): Promise<StoredModel[]> {
  const store = cache ?? (await appModelCache());
  const byBase = new Map<string, StoredModel>();
  for (const { url, bytes } of (await store?.list?.()) ?? []) {
    const base = storedBaseOf(url);
    const m = byBase.get(base) ?? { base, label: MODEL_REGISTRY.find((e) => e.base === base)?.label ?? base, files: 0, bytes: 0 };
    m.files++;
    m.bytes += bytes;
    byBase.set(base, m);
  }
  return [...byBase.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Deletes every stored file of the model at `base` (Cache Storage and OPFS); returns how many. */
export async function deleteStoredModel(base: string, cache?: ModelCache): Promise<number> {
  const store = cache ?? (await appModelCache());
  let n = 0;
  for (const { url } of (await store?.list?.()) ?? []) if (storedBaseOf(url) === base && (await store!.remove?.(url))) n++;
  return n;
}

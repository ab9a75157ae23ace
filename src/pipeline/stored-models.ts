// The models kept in the browser (Cache Storage, where the engine's downloads go): listed per model
// (registry base URL, or the folder of a custom one) with their size, and deleted on request.
import { MODEL_CACHE_NAME } from './model-source.ts';
import { MODEL_REGISTRY } from './registry.ts';

export interface StoredModel {
  /** the model's base URL */
  base: string;
  /** registry label, or the base for a custom model */
  label: string;
  files: number;
  bytes: number;
}

/** The base a cached file URL belongs to: a registry base it starts with, else its folder minus one level (…/unet/model.onnx → …). */
export function storedBaseOf(url: string): string {
  const known = MODEL_REGISTRY.find((e) => url.startsWith(e.base + '/'));
  if (known) return known.base;
  const parts = url.split('/');
  return parts.slice(0, Math.max(3, parts.length - 2)).join('/');
}

async function open(): Promise<Cache | undefined> {
  return typeof caches === 'undefined' ? undefined : caches.open(MODEL_CACHE_NAME);
}

export async function listStoredModels(): Promise<StoredModel[]> {
  const cache = await open();
  if (!cache) return [];
  const byBase = new Map<string, StoredModel>();
  for (const req of await cache.keys()) {
    const base = storedBaseOf(req.url);
    const res = await cache.match(req);
    const bytes = Number(res?.headers.get('Content-Length') ?? 0);
    const m = byBase.get(base) ?? { base, label: MODEL_REGISTRY.find((e) => e.base === base)?.label ?? base, files: 0, bytes: 0 };
    m.files++;
    m.bytes += bytes;
    byBase.set(base, m);
  }
  return [...byBase.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Deletes every cached file of the model at `base`; returns how many. */
export async function deleteStoredModel(base: string): Promise<number> {
  const cache = await open();
  if (!cache) return 0;
  let n = 0;
  for (const req of await cache.keys()) if (storedBaseOf(req.url) === base && (await cache.delete(req))) n++;
  return n;
}

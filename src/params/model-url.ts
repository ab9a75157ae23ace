// Custom model addresses: which base URLs the app fetches a model from (https, or this page's own
// origin), and which hosts the app's Content-Security-Policy lets it connect to (MODEL_HOSTS: the
// one list vite.config.ts builds connect-src from). Pure: the page's origin is passed in.

/**
 * Where models may be downloaded from besides the page's own origin: the registry's Hugging Face
 * repos and the CDNs they redirect to (docs/security.md says why each). vite.config.ts builds the
 * CSP's connect-src from this list; public/_headers repeats it (an e2e test keeps them equal).
 */
export const MODEL_HOSTS: readonly string[] = Object.freeze(['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co']);

/** Where a deployer adds a model host (shown in errors). */
export const MODEL_HOSTS_HOME = 'MODEL_HOSTS in src/params/model-url.ts (and public/_headers)';

export type ModelUrlCheck = { ok: true; base: string } | { ok: false; message: string; hint: string };

const short = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}…` : s);

/** What a custom base URL may be, in words. */
export function acceptedModelUrls(pageOrigin?: string): string {
  return pageOrigin ? `an https:// address, or one on this page's own origin (${pageOrigin}/…)` : 'an https:// address';
}

/**
 * Checks a custom model's base URL before anything is fetched: an absolute https URL, an absolute
 * URL on the page's own origin, or a root-relative path ('/models/x', on that origin). Anything
 * else (a bare word, ftp:, javascript:, data:, http: to another host) is refused with what is accepted.
 */
export function checkModelBase(raw: string, pageOrigin?: string): ModelUrlCheck {
  const base = raw.trim();
  const hint = `Enter the URL of a diffusers-ONNX folder (holding unet/model.onnx): ${acceptedModelUrls(pageOrigin)}.`;
  if (!base) return { ok: false, message: 'The custom model has no base URL.', hint };
  if (/^\/(?!\/)/.test(base)) {
    return pageOrigin ? { ok: true, base } : { ok: false, message: `${short(base)} is a path, and there is no page origin to read it on.`, hint };
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return { ok: false, message: `${short(base)} is not a web address.`, hint };
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && url.origin === pageOrigin)) return { ok: true, base };
  const what = url.protocol === 'http:' ? `Plain http:// to another host (${url.host})` : `A ${url.protocol} address`;
  return { ok: false, message: `${what} is not accepted as a model URL (${short(base)}); models load from ${acceptedModelUrls(pageOrigin)}.`, hint };
}

/** Whether a CSP host source ('https://huggingface.co', 'https://*.hf.co') matches `url` (default port only). */
function hostSourceMatches(source: string, url: URL): boolean {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([^/:]+)$/i.exec(source);
  if (!m || `${m[1].toLowerCase()}:` !== url.protocol || url.port !== '') return false;
  const host = m[3].toLowerCase();
  return m[2] ? url.hostname.endsWith(`.${host}`) : url.hostname === host;
}

/**
 * Whether the app's connect-src ('self' + `hosts`) lets the page fetch `url`; a relative URL is on
 * the page's origin. Without a page origin (Node, the CLI) there is no policy: always true.
 */
export function connectAllowed(url: string, pageOrigin: string | undefined, hosts: readonly string[] = MODEL_HOSTS): boolean {
  if (!pageOrigin) return true;
  let u: URL;
  try {
    u = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  return u.origin === pageOrigin || hosts.some((h) => hostSourceMatches(h, u));
}

/** The hosts the policy allows, in words: "this page's origin (…), https://huggingface.co, …". */
export function allowedHostsText(pageOrigin: string, hosts: readonly string[] = MODEL_HOSTS): string {
  return [`this page's origin (${pageOrigin})`, ...hosts].join(', ');
}

// Security headers of the served app (vite preview; public/_headers for static hosts): the
// response carries the strict policy of docs/security.md, the app and the GPU self-check run
// under it without a single violation, and the policy does block what it should.
import { test, expect } from './fixture.ts';
import { watchPage } from './hardening-watch.ts';
import { MODEL_REGISTRY } from '../src/pipeline/registry.ts';

/** `Name: value` lines of public/_headers (as served from the build), keys lower-cased. */
function parseHeadersFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s+([\w-]+):\s*(.+)$/.exec(line);
    if (m) out[m[1].toLowerCase()] = m[2].trim();
  }
  return out;
}

/** CSP host-source matching for `https://host` and `https://*.suffix` sources. */
function allowedBy(sources: string[], url: string): boolean {
  const { protocol, host } = new URL(url);
  return sources.some((s) => {
    const m = /^(https?:)\/\/(\*\.)?([^/]+)$/.exec(s);
    if (!m || m[1] !== protocol) return false;
    return m[2] ? host.endsWith(`.${m[3]}`) : host === m[3];
  });
}

test('the app is served with a strict CSP and runs under it: page, GPU self-check (ORT wasm + our kernels)', async ({ app, page, request }) => {
  const watch = await watchPage(page);
  const res = await page.goto('/');
  const headers = res!.headers();
  const file = parseHeadersFile(await (await request.get('/_headers')).text());
  expect(Object.keys(file).sort()).toEqual(['content-security-policy', 'cross-origin-opener-policy', 'permissions-policy', 'referrer-policy', 'x-content-type-options']);
  for (const [k, v] of Object.entries(file)) expect(headers[k], k).toBe(v);
  const csp = headers['content-security-policy'];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
  expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*;|https:;/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  // the worker script and the wasm runtime carry it too
  const wasm = await request.get('/ort/ort-wasm-simd-threaded.asyncify.wasm');
  expect(wasm.headers()['content-security-policy']).toBe(csp);

  await app.ready();
  const gpu = await app.gpuSettled();
  expect(gpu.kind).toBe('ready');
  expect(gpu.kind === 'ready' && gpu.selfCheck.ok).toBe(true);
  // (the worker, the ORT wasm runtime and model downloads run under this policy in
  // hardening-models.spec.ts, which checks for violations too)
  expect(await watch.cspViolations()).toEqual([]);
  expect(watch.cspConsole).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);

  // The policy bites: a connection to a host it does not name is refused and reported.
  const refused = await page.evaluate(() => fetch('https://example.com/x').then(() => 'fetched', () => 'refused'));
  expect(refused).toBe('refused');
  expect(await watch.cspViolations()).toEqual(['connect-src https://example.com/x']);
  expect(watch.cspConsole.join('\n')).toContain('example.com');

  // Every model host the registry names (and the CDNs Hugging Face redirects to) is allowed.
  const connect = /connect-src ([^;]+)/.exec(csp)![1].split(' ');
  const urls = MODEL_REGISTRY.flatMap((e) => [e.base, e.tokenizerBase ?? e.base]).filter((u) => /^https?:/.test(u));
  expect(urls.length).toBeGreaterThan(3);
  for (const u of [...urls, 'https://cdn-lfs.huggingface.co/x', 'https://cdn-lfs-us-1.hf.co/x', 'https://cas-bridge.xethub.hf.co/x', 'https://us.aws.cdn.hf.co/x']) {
    expect(allowedBy(connect, u), u).toBe(true);
  }
  expect(allowedBy(connect, 'https://example.com/x')).toBe(false);
});

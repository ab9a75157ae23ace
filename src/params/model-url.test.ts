// Custom model URLs: what checkModelBase accepts and refuses (with what it accepts), and the
// connect-src matching that tells a refused host from a broken connection.
import { describe, expect, it } from 'vitest';
import { MODEL_HOSTS, allowedHostsText, checkModelBase, connectAllowed } from './model-url.ts';

const ORIGIN = 'http://127.0.0.1:4173';

describe('checkModelBase', () => {
  it('accepts https anywhere, and http or a root path on the page origin', () => {
    for (const ok of ['https://huggingface.co/x/resolve/main', ' https://example.com/sd/ ', `${ORIGIN}/models/tiny`, '/models/tiny']) {
      expect(checkModelBase(ok, ORIGIN), ok).toEqual({ ok: true, base: ok.trim() });
    }
  });

  it('refuses a bare word, other schemes and http to another host, naming what is accepted', () => {
    const cases: [string, RegExp][] = [
      ['not a url', /^"not a url" is not a web address\.$/],
      ['models/tiny', /is not a web address/],
      ['ftp://example.com/sd', /^A ftp: address is not accepted as a model URL/],
      ['javascript:alert(1)', /^A javascript: address is not accepted/],
      ['data:text/html,<b>x</b>', /^A data: address is not accepted/],
      ['http://example.com/sd', /^Plain http:\/\/ to another host \(example\.com\) is not accepted/],
      ['//example.com/sd', /is not a web address/],
      ['', /^The custom model has no base URL\.$/],
    ];
    for (const [bad, says] of cases) {
      const r = checkModelBase(bad, ORIGIN);
      expect(r.ok, bad).toBe(false);
      if (r.ok) continue;
      expect(r.message, bad).toMatch(says);
      expect(r.hint, bad).toBe(`Enter the URL of a diffusers-ONNX folder (holding unet/model.onnx): an https:// address, or one on this page's own origin (${ORIGIN}/…).`);
    }
  });

  it('without a page (Node) accepts https only', () => {
    expect(checkModelBase('/models/tiny').ok).toBe(false);
    expect(checkModelBase('http://127.0.0.1:4173/m').ok).toBe(false);
    expect(checkModelBase('https://example.com/m').ok).toBe(true);
  });
});

describe('connectAllowed (the CSP connect-src)', () => {
  it('allows the page origin and the model hosts, wildcards for subdomains only', () => {
    const yes = [`${ORIGIN}/models/tiny/unet/model.onnx`, '/models/x', 'https://huggingface.co/a/resolve/main/x', 'https://cdn-lfs.huggingface.co/x', 'https://cas-bridge.xethub.hf.co/x'];
    const no = ['https://example.com/sd/unet/model.onnx', 'https://hf.co/x', 'http://huggingface.co/x', 'https://huggingface.co:8443/x', 'https://evilhuggingface.co/x', 'http://127.0.0.1:5000/x'];
    for (const u of yes) expect(connectAllowed(u, ORIGIN), u).toBe(true);
    for (const u of no) expect(connectAllowed(u, ORIGIN), u).toBe(false);
  });

  it('has no policy without a page origin', () => {
    expect(connectAllowed('https://example.com/x', undefined)).toBe(true);
  });

  it('names the allowed hosts', () => {
    expect(allowedHostsText(ORIGIN)).toBe(`this page's origin (${ORIGIN}), ${MODEL_HOSTS.join(', ')}`);
  });
});

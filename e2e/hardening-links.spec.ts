// Links as untrusted input through the real page: 20 seeded malformed / random / out-of-range /
// oversized (100 kB) queries with markup and script payloads. Each opens with no page or console
// error, shows exactly the notices the codec reports (src/params/url-preset.ts; the codec itself is
// audited by url-preset.fuzz.test.ts), holds the parameters the codec decodes, renders the prompt
// as text, and runs none of its markup. WebGPU is hidden from these pages: the GPU probe (ORT
// wasm + self-check) is not what is under test and would cost seconds per page.
import { test, expect } from './fixture.ts';
import { watchPage } from './hardening-watch.ts';
import { decodeUrlPreset } from '../src/params/url-preset.ts';
import { capNotices } from '../src/state/params-slice.ts';

/** xorshift32: the same 20 queries on every run. */
function rng(seed: number) {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

const PAYLOADS = [
  '<img id="pwn-img" src=x onerror="window.__pwned=1">',
  '<script id="pwn-script">window.__pwned=2</script>',
  '"><svg id="pwn-svg" onload="window.__pwned=3">',
  "'><iframe id=\"pwn-frame\" src=\"javascript:window.parent.__pwned=4\"></iframe>",
  'javascript:window.__pwned=5',
  '{{constructor.constructor("window.__pwned=6")()}}',
];
const KEYS = ['v', 'm', 'p', 'n', 's', 'st', 'g', 'w', 'h', 'sc', 'd', 'hr', 'hs', 'hd', 'hst', 'sa.enabled', 'sa.time_decay', 'sa.peak_time', 'sa.keep_middle', 'sa.in.strength', 'sa.in.mode', 'sa.out.k_blend', 'sa.out.v_blend', 'hsa.in.strength', 'hsa.out.mode'];
const ODD_KEYS = ['__proto__', 'constructor', 'sa.__proto__', 'sa.', 'hsa.in.x', 'V', 'ST', '', 'p[]', 'sa.in.strength.extra'];
const VALUES = ['', '-1', '0', '1', '7.5', '1e9', '-1e9', '1e400', 'NaN', 'Infinity', '-0', '0x10', ' 12', '1,5', '.5', '4294967296', '999999999999999999999', '2D_MAX', '1d_avg', 'EULER', 'ddim', 'true', 'yes', '%ZZ', '%E0%A4%A', '\u0000', 'a\r\nb', '😀'.repeat(50)];

function randomValue(r: ReturnType<typeof rng>): string {
  const roll = r.next();
  if (roll < 0.15) return r.pick(PAYLOADS);
  if (roll < 0.3) return String((r.next() - 0.3) * 10 ** r.int(12));
  if (roll < 0.4) return String.fromCharCode(...Array.from({ length: r.int(40) }, () => 1 + r.int(0x2fff)));
  return r.pick(VALUES);
}

function encodePart(s: string, r: ReturnType<typeof rng>): string {
  if (r.next() < 0.7) return encodeURIComponent(s);
  return s.replace(/[#&\s]/g, (c) => encodeURIComponent(c)); // raw markup and % sequences, but no fragment
}

/** The i-th query: 3–14 pairs of known, odd and repeated keys; every 5th has a 100 kB value. */
function fuzzQuery(i: number): string {
  const r = rng(0x51077f + i * 7919);
  const pairs: string[] = [];
  if (r.next() < 0.8) pairs.push(r.next() < 0.85 ? 'v=1' : `v=${r.pick(['2', '0', 'x', ''])}`);
  pairs.push(`p=${encodePart(r.pick(PAYLOADS) + ' a sloth', r)}`);
  const n = 3 + r.int(12);
  for (let k = 0; k < n; k++) {
    const key = r.next() < 0.8 ? r.pick(KEYS) : r.next() < 0.5 ? r.pick(ODD_KEYS) : r.pick(PAYLOADS);
    pairs.push(`${encodePart(key, r)}=${encodePart(randomValue(r), r)}`);
  }
  if (i % 5 === 4) pairs.push(`${r.pick(['p', 'n', 'zz', 'sa.in.mode'])}=${'x<b>'.repeat(25_000)}`);
  return pairs.join('&');
}

const QUERIES = Array.from({ length: 20 }, (_, i) => fuzzQuery(i));

test('20 fuzzed links: no error, the codec\'s notices shown in full, the decoded values held, no markup run', async ({ app, page }) => {
  test.setTimeout(120_000);
  expect(QUERIES.filter((q) => q.length >= 100_000)).toHaveLength(4);
  const watch = await watchPage(page);
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
  // vite preview (Node) answers 431 to URLs over 16 kB; a host that takes them serves the app as is
  const served = await page.request.get('/');
  const appBody = await served.body();
  await page.route((url) => url.pathname === '/' && url.search.length > 8000, (route) => route.fulfill({ status: 200, headers: served.headers(), body: appBody }));
  let shown = 0;
  for (const [i, q] of QUERIES.entries()) {
    const res = await page.goto(`/?${q}`);
    await app.ready();
    const search = new URL(res!.url()).search; // as the browser normalised it: what the app read
    const expected = decodeUrlPreset(search);
    const want = capNotices(expected.notices).map((n) => n.message);
    const got = await app.state((s) => ({ gen: s.params.gen, sa: s.params.sa, notices: s.params.notices.map((n) => n.message) }));
    const label = `query ${i}: ${q.slice(0, 120)}`;
    expect(got.notices, label).toEqual(want);
    expect({ gen: got.gen, sa: got.sa }, label).toEqual(expected.params);
    if (want.length) {
      await expect(page.getByTestId('notice'), label).toHaveText(want);
      shown += want.length;
    } else {
      await expect(page.getByTestId('notices'), label).toHaveCount(0);
    }
    await expect(page.getByTestId('gen-prompt'), label).toHaveValue(expected.params.gen.prompt);
    expect(await page.evaluate(() => window.__pwned), label).toBeUndefined();
    expect(await page.locator('[id^="pwn-"], [onerror], [onload]').count(), label).toBe(0);
    expect(watch.pageErrors, label).toEqual([]);
    expect(watch.consoleErrors, label).toEqual([]);
  }
  expect(shown).toBeGreaterThan(60); // the queries do produce notices
  expect(await watch.cspViolations()).toEqual([]);
});

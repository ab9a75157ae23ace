// What the hardening specs watch in a page besides their own assertions: uncaught errors,
// console errors and Content-Security-Policy violations (reported by the document's
// `securitypolicyviolation` event, recorded from before the app's first script runs).
import type { Page } from '@playwright/test';

declare global {
  interface Window {
    __cspViolations?: string[];
    __pwned?: unknown;
  }
}

export interface PageWatch {
  pageErrors: string[];
  /** console errors (onnxruntime's warnings are silenced by the sessions' logSeverityLevel) */
  consoleErrors: string[];
  /** console messages about a blocked resource (workers report CSP violations only there) */
  cspConsole: string[];
  /** `directive blocked-uri` of every CSP violation so far */
  cspViolations: () => Promise<string[]>;
}

export async function watchPage(page: Page): Promise<PageWatch> {
  const watch: PageWatch = {
    pageErrors: [],
    consoleErrors: [],
    cspConsole: [],
    cspViolations: () => page.evaluate(() => window.__cspViolations ?? []),
  };
  page.on('pageerror', (e) => watch.pageErrors.push(e.message));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to/i.test(text)) watch.cspConsole.push(text);
    if (m.type() === 'error') watch.consoleErrors.push(text);
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations!.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return watch;
}

// Typed access to the in-page test API (window.__slothful) for Playwright specs.
import { test as base, type Page } from '@playwright/test';
import type { AppState } from '../src/state/store.ts';

export class SlothfulPage {
  constructor(readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.page.waitForFunction(() => Boolean(window.__slothful));
  }

  gpuSettled(): Promise<AppState['gpu']> {
    return this.page.evaluate(() => window.__slothful!.gpuSettled());
  }
}

export const test = base.extend<{ app: SlothfulPage }>({
  app: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await use(new SlothfulPage(page));
    if (errors.length) throw new Error(`Uncaught errors in the page: ${errors.join(' | ')}`);
  },
});

export { expect } from '@playwright/test';

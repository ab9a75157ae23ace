// Typed access to the in-page test API (window.__slothful) for Playwright specs: specs read values
// and drive the app only through SlothfulPage (the `app` fixture), never through the window global.
import { test as base, type JSHandle, type Page } from '@playwright/test';
import type { SlothfulTestApi } from '../src/app/test-api.ts';
import type { GenParamPath, GenParamValue } from '../src/params/gen-params.ts';
import type { AppState } from '../src/state/store.ts';

declare global {
  interface Window {
    /** GPUDevices requested on the page's main thread, once SlothfulPage.watchDevices ran */
    __pageDevices?: number;
  }
}

type Api = SlothfulTestApi;
type Resolved<K extends keyof Api> = Promise<Awaited<ReturnType<Api[K]>>>;
/** generation parameters by path, set in the order given */
export type GenValues = { [P in GenParamPath]?: GenParamValue<P> };
type WaitOptions = Parameters<Page['waitForFunction']>[2];

export class SlothfulPage {
  constructor(readonly page: Page) {}

  /** Opens the app at `/${query}` and waits for its test API. */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.ready();
  }

  /** Waits for the test API after a navigation made by the spec itself. */
  async ready(): Promise<void> {
    await this.page.waitForFunction(() => Boolean(window.__slothful));
  }

  gpuSettled(): Resolved<'gpuSettled'> {
    return this.page.evaluate(() => window.__slothful!.gpuSettled());
  }

  generate(): Resolved<'generate'> {
    return this.page.evaluate(() => window.__slothful!.generate());
  }

  compare(): Resolved<'compare'> {
    return this.page.evaluate(() => window.__slothful!.compare());
  }

  sweep(): Resolved<'sweep'> {
    return this.page.evaluate(() => window.__slothful!.sweep());
  }

  loadModel(): Resolved<'loadModel'> {
    return this.page.evaluate(() => window.__slothful!.loadModel());
  }

  waitIdle(): Resolved<'waitIdle'> {
    return this.page.evaluate(() => window.__slothful!.waitIdle());
  }

  lastResult(): Resolved<'lastResult'> {
    return this.page.evaluate(() => window.__slothful!.lastResult());
  }

  lastLatents(): Resolved<'lastLatents'> {
    return this.page.evaluate(() => window.__slothful!.lastLatents());
  }

  history(): Resolved<'history'> {
    return this.page.evaluate(() => window.__slothful!.history());
  }

  heatmap(pass?: Parameters<Api['heatmap']>[0]): Resolved<'heatmap'> {
    return this.page.evaluate((p) => window.__slothful!.heatmap(p), pass);
  }

  gpuMemory(): Resolved<'gpuMemory'> {
    return this.page.evaluate(() => window.__slothful!.gpuMemory());
  }

  loseDevice(): Resolved<'loseDevice'> {
    return this.page.evaluate(() => window.__slothful!.loseDevice());
  }

  /** A serialisable part of the store, picked in the page (`pick` runs there: no test variables). */
  async state<T>(pick: (s: AppState) => T): Promise<T> {
    const live = await this.liveState();
    try {
      return await this.page.evaluate(pick, live);
    } finally {
      await live.dispose();
    }
  }

  /** Resolves once `holds` is true of the store, polled in the page (no test variables either). */
  async waitForState(holds: (s: AppState) => boolean, options?: WaitOptions): Promise<void> {
    const live = await this.liveState();
    try {
      await this.page.waitForFunction(holds, live, options);
    } finally {
      await live.dispose();
    }
  }

  /** The store's state as a page object whose every property read is the current state's (polling
   * a function, not a string: the app's CSP forbids eval). */
  private liveState(): Promise<JSHandle<AppState>> {
    return this.page.evaluateHandle(() => new Proxy({} as AppState, { get: (_, key) => window.__slothful!.state()[key as keyof AppState] }));
  }

  /** The store's setGen for each value, in order, as the inputs call it. */
  async setGen(values: GenValues): Promise<void> {
    await this.page.evaluate((entries) => {
      const s = window.__slothful!.state();
      for (const [path, value] of entries) s.setGen(path, value as never);
    }, Object.entries(values) as [GenParamPath, unknown][]);
  }

  setSweepAxis(...args: Parameters<AppState['setSweepAxis']>): Promise<void> {
    return this.page.evaluate(([axis, value]) => window.__slothful!.state().setSweepAxis(axis, value), args);
  }

  /** Counts GPUDevices requested on the page's main thread from the next navigation on. */
  async watchDevices(): Promise<void> {
    await this.page.addInitScript(() => {
      window.__pageDevices = 0;
      if (typeof GPUAdapter === 'undefined') return;
      const requestDevice = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = function (this: GPUAdapter, ...args: Parameters<GPUAdapter['requestDevice']>) {
        window.__pageDevices!++;
        return requestDevice.apply(this, args);
      };
    });
  }

  /** GPUDevices requested on the page's main thread (see watchDevices) and in the engine worker. */
  async devices(): Promise<{ page: number; engine: number }> {
    const page = await this.page.evaluate(() => window.__pageDevices);
    if (page === undefined) throw new Error('Call app.watchDevices() before app.open() to count the page\'s GPUDevices.');
    return { page, engine: (await this.gpuMemory()).deviceCount };
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

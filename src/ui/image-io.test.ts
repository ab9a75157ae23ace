import { describe, expect, it } from 'vitest';
import { readPngParams } from '../params/png-metadata.ts';
import { createAppStore } from '../state/store.ts';
import { fakePorts } from '../state/testing/fake-ports.ts';
import { resultPng } from './image-io.ts';

describe('PNG out and back in', () => {
  it('a downloaded result carries its parameters; loading it into a fresh store restores them without notices', async () => {
    const store = createAppStore(fakePorts());
    await store.getState().checkGpu();
    const s = () => store.getState();
    s().setGen('width', 64);
    s().setGen('height', 48);
    s().setGen('steps', 3);
    s().setGen('seed', 31337);
    s().setGen('prompt', 'a sloth, "quoted"\nline two');
    s().setGen('hires.enabled', true);
    s().setSa('out.mode', '1D_MAX');
    s().setSa('in.k_blend', 0.35);
    s().setSa('peak_time', 0.55, 'hires');
    expect(await s().generate()).toBe('done');
    const r = s().history.items[0];
    const png = await resultPng(r);
    // an independent look at the bytes: PNG signature, and a decoder-free read of the chunks
    expect(Array.from(png.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(readPngParams(png)?.params).toEqual(r.params);

    const fresh = createAppStore(fakePorts());
    expect(fresh.getState().loadFromPng(png)).toEqual([]);
    const p = fresh.getState().params;
    expect({ gen: p.gen, sa: p.sa }).toEqual(r.params);
  });
});

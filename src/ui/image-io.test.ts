import { describe, expect, it } from 'vitest';
import { readPngParams } from '../params/png-metadata.ts';
import { createAppStore } from '../state/store.ts';
import { fakePorts } from '../state/testing/fake-ports.ts';
import { readInitImage, resultPng } from './image-io.ts';

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

  it('a Slothful PNG chosen as the init image is pixels only; "Restore the PNG’s settings" applies them (bug 5)', async () => {
    const maker = createAppStore(fakePorts());
    await maker.getState().checkGpu();
    maker.getState().setGen('width', 64);
    maker.getState().setGen('height', 64);
    maker.getState().setGen('prompt', 'the PNG’s own prompt');
    maker.getState().setGen('seed', 4242);
    expect(await maker.getState().generate()).toBe('done');
    const made = maker.getState().history.items[0];
    const file = new File([(await resultPng(made)) as BlobPart], 'slothful-4242-1.png', { type: 'image/png' });

    const store = createAppStore(fakePorts());
    const s = () => store.getState();
    s().setGen('prompt', 'my own prompt');
    s().setGen('seed', 7);
    const mine = { gen: s().params.gen, sa: s().params.sa };
    const { image, png } = await readInitImage(file, async () => made.image);
    s().setInitImage(image, png);
    expect(s().initImage).toBe(made.image);
    expect({ gen: s().params.gen, sa: s().params.sa }).toEqual(mine); // nothing replaced
    expect(s().params.notices).toEqual([]);
    expect(s().initImageSettings).not.toBeNull();

    expect(s().restoreInitImageSettings()).toEqual([]);
    expect({ gen: s().params.gen, sa: s().params.sa }).toEqual(made.params);
    expect(s().initImage).toBe(made.image); // the image stays

    // a PNG without parameters offers nothing; removing the image drops the offer
    const plain = new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])], 'plain.png', { type: 'image/png' });
    const other = await readInitImage(plain, async () => made.image);
    s().setInitImage(other.image, other.png);
    expect(s().initImageSettings).toBeNull();
    s().setInitImage(image, png);
    s().setInitImage(null);
    expect(s().initImageSettings).toBeNull();
  });
});

// `sweep`: an X/Y grid of images (one model load, one image per cell, each PNG carrying its own
// parameters) written to a folder with an index.html that lays them out. Import after nodeGpu().
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paramSetFrom, type SweepArgs } from './args.ts';
import { loadModelOnGpu, renderPng } from './generate.ts';
import { describeTimings } from './render.ts';
import { ms, printNotices, type CliIo } from './io.ts';
import { parseAxis, sweepCells, sweepIndexHtml, type SweepCell } from './sweep-axes.ts';

export async function sweepCommand(a: SweepArgs, io: CliIo): Promise<void> {
  const x = parseAxis('x', a.x);
  const y = a.y === undefined ? undefined : parseAxis('y', a.y);
  const base = paramSetFrom(a, io.readText);
  const { cells, notices } = sweepCells(base.set, x, y);
  printNotices(io, [...base.notices, ...notices]);
  io.log(`sweep: ${x.values.length} × ${y?.values.length ?? 1} = ${cells.length} images into ${a.out}`);
  mkdirSync(a.out, { recursive: true });
  const model = await loadModelOnGpu(a.model, a.tokenizer, base.set.gen.model, io, a.f16Path);
  const done: (SweepCell & { note: string })[] = [];
  const writeIndex = () => writeFileSync(join(a.out, 'index.html'), sweepIndexHtml(`Sweep: ${base.set.gen.prompt}`, x, y, done));
  try {
    for (const c of cells) {
      io.log(`${c.file}: ${c.label}`);
      const { png, timings } = await renderPng(model, c.set, io);
      writeFileSync(join(a.out, c.file), png);
      io.log(`  ${describeTimings(timings)}`);
      done.push({ ...c, note: `${c.label} · ${ms(timings.total)}` });
      writeIndex(); // a cancelled sweep still leaves a usable page
    }
  } finally {
    await model.release();
  }
  io.log(`wrote ${join(a.out, 'index.html')}`);
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS, type ParamSet } from '../params/gen-params.ts';
import { CliUsageError, parseCliArgs } from './args.ts';
import { parseAxis, sweepCells, sweepIndexHtml, withAxisValue } from './sweep-axes.ts';

const base: ParamSet = { gen: DEFAULT_GEN_PARAMS, sa: DEFAULT_SA_PARAMS };

describe('sweep axes', () => {
  it('parses path=values', () => {
    expect(parseAxis('x', 'sa.in.strength=0, 4,8')).toEqual({ path: 'sa.in.strength', values: ['0', '4', '8'] });
    expect(parseAxis('y', 'seed=1,2')).toEqual({ path: 'seed', values: ['1', '2'] });
  });
  it.each(['strength=1,2', 'sa.in.strength=', '=1,2', 'sa.in.strength', 'model=a,b'])('%s is a usage error', (raw) => {
    expect(() => parseAxis('x', raw)).toThrow(CliUsageError);
  });
  it.each([
    ['sa.in.strength', '8', (s: ParamSet) => s.sa.in.strength, 8],
    ['sa.out.mode', '2D_MAX', (s: ParamSet) => s.sa.out.mode, '2D_MAX'],
    ['sa.enabled', 'false', (s: ParamSet) => s.sa.enabled, false],
    ['sa.time_decay', '0', (s: ParamSet) => s.sa.time_decay, 0],
    ['seed', '77', (s: ParamSet) => s.gen.seed, 77],
    ['scheduler', 'ddim', (s: ParamSet) => s.gen.scheduler, 'ddim'],
  ])('withAxisValue %s=%s', (path, raw, get, want) => {
    const r = withAxisValue(base, path, raw);
    expect(get(r.set)).toBe(want);
    expect(r.notices).toEqual([]);
  });
  it('keeps the other side and other values, and clamps with a notice', () => {
    const r = withAxisValue(base, 'sa.in.strength', '99');
    expect(r.set.sa).toEqual({ ...DEFAULT_SA_PARAMS, in: { ...DEFAULT_SA_PARAMS.in, strength: 50 } });
    expect(r.set.gen).toBe(base.gen);
    expect(r.notices.map((n) => n.path)).toEqual(['sa.in.strength']);
  });
  it('sweepCells: y outer, x inner, every cell its own parameters and file', () => {
    const { cells } = sweepCells(base, parseAxis('x', 'sa.in.strength=0,8'), parseAxis('y', 'seed=5,6'));
    expect(cells.map((c) => [c.file, c.set.sa.in.strength, c.set.gen.seed])).toEqual([
      ['x0_y0.png', 0, 5], ['x1_y0.png', 8, 5], ['x0_y1.png', 0, 6], ['x1_y1.png', 8, 6],
    ]);
    expect(cells[3].label).toBe('sa.in.strength=8, seed=6');
  });
  it('index.html lays the cells out with escaped labels', () => {
    const x = parseAxis('x', 'sa.in.strength=0,8');
    const { cells } = sweepCells(base, x);
    const html = sweepIndexHtml('a <b> & c', x, undefined, cells.slice(0, 1));
    expect(html).toContain('<title>a &lt;b&gt; &amp; c</title>');
    expect(html).toContain('<img src="x0_y0.png"');
    expect(html).not.toContain('x1_y0.png');
    expect(html.match(/<td>—<\/td>/g)).toHaveLength(1); // the missing cell is a placeholder
  });
  it('parseCliArgs sweep', () => {
    expect(parseCliArgs(['sweep', '--model', 'm', '--out', 'd', '--x', 'seed=1,2', '--steps', '1'])).toMatchObject({ command: 'sweep', x: 'seed=1,2', steps: 1, out: 'd' });
    expect(() => parseCliArgs(['sweep', '--model', 'm', '--out', 'd'])).toThrow(/sweep needs --x/);
  });
});

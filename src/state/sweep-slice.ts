// The `sweep` slice: an X/Y grid over two numeric parameters (first-pass SA or generation
// numbers), 2–5 values each, every other setting (seed included) as in the params slice. Cells
// are made row by row (y outer, x inner) as one job, so Cancel stops after the cell in flight.
// Typed values are fitted to the parameter's range (with a notice saying so); text that does not
// parse blocks the sweep until it does, so a run never uses stale values.
import type { StateCreator } from 'zustand';
import { SA_PARAM_SPECS, getSaParam, type SaNumberPath } from '../sa/index.ts';
import { GEN_PARAM_SPECS, getGenParam, type GenNumberPath, type ParamSet } from '../params/gen-params.ts';
import { INITIAL_PARAMS, paramsTransforms, type ParamsState } from './params-slice.ts';
import { RunRequestError } from './run-errors.ts';
import type { JobOutcome, RunResult } from './run-slice.ts';
import type { AppState } from './store.ts';

export type SweepPath = `sa.${SaNumberPath}` | GenNumberPath;

export interface SweepAxis {
  path: SweepPath;
  values: number[];
}

export interface SweepParamOption {
  path: SweepPath;
  label: string;
  min: number;
  max: number;
  /** values are multiples of this (0: any number) */
  unit: number;
}

/** Every parameter a sweep can vary, SA first. */
export const SWEEP_PARAMS: readonly SweepParamOption[] = [
  ...SA_PARAM_SPECS.flatMap((s) => (s.kind === 'number' ? [{ path: `sa.${s.path}` as SweepPath, label: `SA · ${s.label}`, min: s.min, max: s.max, unit: 0 }] : [])),
  ...GEN_PARAM_SPECS.flatMap((s) => (s.kind === 'number' ? [{ path: s.path, label: s.label, min: s.min, max: s.max, unit: s.multipleOf ?? (s.integer ? 1 : 0) }] : [])),
];

/** Per axis: text that does not parse (null: the values are what was typed), and what was fitted. */
export interface SweepAxisInput {
  unparsed: string | null;
  notice: string | null;
}

export const SWEEP_MIN_VALUES = 2;
export const SWEEP_MAX_VALUES = 5;

export interface SweepState {
  x: SweepAxis;
  y: SweepAxis;
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  /** the axes the current grid was made with (the editable x/y may have changed since) */
  grid: { x: SweepAxis; y: SweepAxis } | null;
  /** row-major: cells[yi · x.values.length + xi]; null until made */
  cells: (RunResult | null)[];
  done: number;
  input: { x: SweepAxisInput; y: SweepAxisInput };
}

export interface SweepSlice {
  sweep: SweepState;
  /** Sets an axis, its values fitted to the parameter's range (with a notice when any moved). */
  setSweepAxis: (axis: 'x' | 'y', value: SweepAxis) => void;
  /** Sets an axis's values from typed text; text that does not parse blocks the sweep. */
  setSweepText: (axis: 'x' | 'y', text: string) => void;
  runSweep: () => Promise<JobOutcome>;
}

export const DEFAULT_SWEEP: SweepState = Object.freeze<SweepState>({
  x: { path: 'sa.in.strength', values: [2, 8] },
  y: { path: 'sa.time_decay', values: [0, 4] },
  status: 'idle',
  grid: null,
  cells: [],
  done: 0,
  input: { x: { unparsed: null, notice: null }, y: { unparsed: null, notice: null } },
});

export function sweepParamLabel(path: SweepPath): string {
  return SWEEP_PARAMS.find((p) => p.path === path)?.label ?? path;
}

/** The sweep's time guessed from the newest image's (one image's time × cells); null before any image. */
export function sweepEstimate(s: Pick<AppState, 'history' | 'sweep'>): { perImageMs: number; totalMs: number } | null {
  const last = s.history.items.at(-1);
  if (!last) return null;
  const perImageMs = last.timings.total;
  return { perImageMs, totalMs: perImageMs * s.sweep.x.values.length * s.sweep.y.values.length };
}

/** 'about 40 s', 'about 3 min'; 'no estimate yet' before any image. */
export function estimateText(e: ReturnType<typeof sweepEstimate>): string {
  if (!e) return 'no estimate yet';
  const s = e.totalMs / 1000;
  return s < 120 ? `about ${Math.max(1, Math.round(s))} s` : `about ${Math.round(s / 60)} min`;
}

/** Reads '2, 4.5 6' as numbers; undefined when something is not a number. */
export function parseSweepValues(text: string): number[] | undefined {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const values = parts.map(Number);
  return values.every(Number.isFinite) ? values : undefined;
}

/** Values moved into the parameter's range and onto its grid, and a notice naming each one moved. */
export function fitSweepValues(path: SweepPath, values: readonly number[]): { values: number[]; notice: string | null } {
  const p = SWEEP_PARAMS.find((o) => o.path === path);
  if (!p) return { values: [...values], notice: null };
  const why: string[] = [];
  const fitted = values.map((v) => {
    if (!Number.isFinite(v)) return v;
    let used = Math.min(p.max, Math.max(p.min, v)) + 0; // + 0: no −0
    if (p.unit) used = Math.min(p.max, Math.max(p.min, Math.round(used / p.unit) * p.unit));
    if (used !== v) why.push(`${v} → ${used} (${v > p.max ? `above the maximum ${p.max}` : v < p.min ? `below the minimum ${p.min}` : p.unit === 1 ? 'whole numbers only' : `multiples of ${p.unit} only`})`);
    return used;
  });
  return { values: fitted, notice: why.length ? `${p.label} takes ${p.min}–${p.max}: using ${why.join(', ')}.` : null };
}

/** What is wrong with the axes (empty: the sweep can run). */
export function sweepProblems(x: SweepAxis, y: SweepAxis, input?: SweepState['input']): string[] {
  const problems: string[] = [];
  for (const name of ['X', 'Y'] as const) {
    const unparsed = input?.[name === 'X' ? 'x' : 'y'].unparsed;
    if (unparsed != null) problems.push(`${name}: "${unparsed}" is not a list of numbers.`);
  }
  for (const [name, a] of [['X', x], ['Y', y]] as const) {
    if (!SWEEP_PARAMS.some((p) => p.path === a.path)) problems.push(`${name}: ${a.path} is not a parameter a sweep can vary.`);
    if (a.values.length < SWEEP_MIN_VALUES || a.values.length > SWEEP_MAX_VALUES) problems.push(`${name}: give ${SWEEP_MIN_VALUES}–${SWEEP_MAX_VALUES} values (got ${a.values.length}).`);
    if (!a.values.every(Number.isFinite)) problems.push(`${name}: every value must be a number.`);
  }
  if (x.path === y.path) problems.push('X and Y vary the same parameter; pick two different ones.');
  return problems;
}

function setPath(s: ParamsState, path: SweepPath, value: number): ParamsState {
  return path.startsWith('sa.') ? paramsTransforms.setSa(s, path.slice(3) as SaNumberPath, value) : paramsTransforms.setGen(s, path as GenNumberPath, value);
}

/** The value of `path` in a parameter set (after clamping, so labels show what was used). */
export function sweepValue(set: ParamSet, path: SweepPath): number {
  return path.startsWith('sa.') ? getSaParam(set.sa, path.slice(3) as SaNumberPath) : getGenParam(set.gen, path as GenNumberPath);
}

export interface SweepCellPlan {
  xi: number;
  yi: number;
  params: ParamSet;
  label: string;
}

/** Every cell's parameters in making order: y outer, x inner (row-major). */
export function planSweep(base: ParamSet, x: SweepAxis, y: SweepAxis): SweepCellPlan[] {
  const plan: SweepCellPlan[] = [];
  const start: ParamsState = { ...INITIAL_PARAMS, gen: base.gen, sa: base.sa };
  y.values.forEach((yv, yi) => {
    x.values.forEach((xv, xi) => {
      const s = setPath(setPath(start, y.path, yv), x.path, xv);
      const params: ParamSet = { gen: s.gen, sa: s.sa };
      const label = `${sweepParamLabel(x.path)} ${sweepValue(params, x.path)} · ${sweepParamLabel(y.path)} ${sweepValue(params, y.path)}`;
      plan.push({ xi, yi, params, label });
    });
  });
  return plan;
}

export const createSweepSlice: StateCreator<AppState, [], [], SweepSlice> = (set, get) => {
  const patch = (p: Partial<SweepState>) => set((s) => ({ sweep: { ...s.sweep, ...p } }));
  return {
    sweep: DEFAULT_SWEEP,
    setSweepAxis: (axis, value) => {
      const { values, notice } = fitSweepValues(value.path, value.values);
      set((s) => ({ sweep: { ...s.sweep, [axis]: { path: value.path, values }, input: { ...s.sweep.input, [axis]: { unparsed: null, notice } } } }));
    },
    setSweepText: (axis, text) => {
      const values = parseSweepValues(text);
      if (values) get().setSweepAxis(axis, { path: get().sweep[axis].path, values });
      else set((s) => ({ sweep: { ...s.sweep, input: { ...s.sweep.input, [axis]: { ...s.sweep.input[axis], unparsed: text } } } }));
    },
    runSweep: async () => {
      const { x, y, input } = get().sweep;
      const problems = sweepProblems(x, y, input);
      const { gen, sa } = get().params;
      const outcome = await get().runJob('sweep', async (ctx) => {
        if (problems.length) throw new RunRequestError(problems.join(' '), 'Fix the sweep axes and run it again.');
        const plan = planSweep({ gen, sa }, x, y);
        patch({ status: 'running', grid: { x, y }, cells: plan.map(() => null), done: 0 });
        for (const [i, cell] of plan.entries()) {
          const result = await ctx.generate(cell.params, { kind: 'sweep', label: cell.label });
          set((s) => {
            const cells = s.sweep.cells.slice();
            cells[i] = result;
            return { sweep: { ...s.sweep, cells, done: s.sweep.done + 1 } };
          });
        }
      });
      if (outcome !== 'busy') patch({ status: outcome === 'done' ? 'done' : outcome });
      return outcome;
    },
  };
};

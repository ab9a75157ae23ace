// The UI's job lifecycle (load, generate, compare, sweep): one job at a time, each with its own
// AbortSignal and progress; Cancel aborts it; how it ended (outcome, error) is reported as data.
// It knows no store and no engine: the run slice mirrors `state` and supplies the engine calls
// (the engine's own RequestGate still refuses overlapping device requests).
import { describeError, isInterruption, type AppError } from './run-errors.ts';

/** How a job ended; 'busy': it never started because another job was running. */
export type JobOutcome = 'done' | 'cancelled' | 'error' | 'busy';

export interface JobState<K extends string, P> {
  /** the job in flight (null: idle) */
  job: K | null;
  cancelling: boolean;
  progress: P | null;
  /** the last job's error, until dismissed or the next job starts */
  error: AppError | null;
  /** how the last finished job ended */
  outcome: JobOutcome | null;
}

/** What a running job's body gets: its cancellation signal and a way to report progress. */
export interface Job<P> {
  readonly signal: AbortSignal;
  /** Shown while this job runs; ignored once it has ended. */
  report: (progress: P) => void;
}

export interface JobRunnerOptions<K extends string, P> {
  /** called with every new state (the run slice copies it into the store) */
  onChange?: (state: JobState<K, P>) => void;
  /** called after Cancel aborted the job's signal (the run slice interrupts the engine) */
  onCancel?: () => void;
}

export const IDLE_JOB: JobState<never, never> = Object.freeze({ job: null, cancelling: false, progress: null, error: null, outcome: null });

export class JobRunner<K extends string, P> {
  private current: JobState<K, P> = IDLE_JOB;
  private active: AbortController | null = null;

  constructor(private readonly opts: JobRunnerOptions<K, P> = {}) {}

  get state(): JobState<K, P> {
    return this.current;
  }

  get busy(): boolean {
    return this.active !== null;
  }

  /** Runs `body` as the one job; 'busy' (and `body` is not called) while another job runs. */
  async run(kind: K, body: (job: Job<P>) => Promise<void>): Promise<JobOutcome> {
    if (this.active) return 'busy';
    const controller = new AbortController();
    this.active = controller;
    this.update({ ...IDLE_JOB, job: kind });
    const job: Job<P> = {
      signal: controller.signal,
      report: (progress) => {
        if (this.active === controller) this.update({ ...this.current, progress });
      },
    };
    let outcome: JobOutcome = 'done';
    let error: AppError | null = null;
    try {
      await body(job);
      if (controller.signal.aborted) outcome = 'cancelled';
    } catch (e) {
      if (controller.signal.aborted || isInterruption(e)) outcome = 'cancelled';
      else {
        outcome = 'error';
        error = describeError(e);
      }
    } finally {
      this.active = null;
    }
    this.update({ ...IDLE_JOB, outcome, error });
    return outcome;
  }

  /** Aborts the running job (once); nothing when idle. */
  cancel(): void {
    const controller = this.active;
    if (!controller || controller.signal.aborted) return;
    this.update({ ...this.current, cancelling: true });
    controller.abort();
    this.opts.onCancel?.();
  }

  dismissError(): void {
    this.update({ ...this.current, error: null });
  }

  private update(state: JobState<K, P>): void {
    this.current = state;
    this.opts.onChange?.(state);
  }
}

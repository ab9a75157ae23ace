// The JobRunner on its own: one job at a time, Cancel, progress, errors and outcomes, and the
// states it reports (what the run slice mirrors into the store).
import { describe, expect, it } from 'vitest';
import { IDLE_JOB, JobRunner, type Job, type JobState } from './job-runner.ts';

type Kind = 'load' | 'generate';

/** A runner that records every state it reports and how often Cancel reached `onCancel`. */
function recordingRunner() {
  const states: JobState<Kind, number>[] = [];
  const log = { cancels: 0 };
  const runner = new JobRunner<Kind, number>({ onChange: (s) => states.push(s), onCancel: () => log.cancels++ });
  return { runner, states, log };
}

/** A job body that waits until the test settles it; `job` is the running job's handle. */
function heldJob() {
  const held = {} as { job: Job<number>; finish: () => void; fail: (e: unknown) => void };
  const body = (job: Job<number>) =>
    new Promise<void>((resolve, reject) => {
      held.job = job;
      held.finish = resolve;
      held.fail = reject;
      job.signal.addEventListener('abort', () => reject(Object.assign(new Error('Generation was cancelled.'), { name: 'GenerationInterrupted' })));
    });
  return { held, body };
}

describe('JobRunner', () => {
  it('starts idle, runs a job, reports it and ends done', async () => {
    const { runner, states } = recordingRunner();
    expect(runner.state).toBe(IDLE_JOB);
    expect(runner.busy).toBe(false);
    const { held, body } = heldJob();
    const done = runner.run('generate', body);
    expect(runner.busy).toBe(true);
    expect(runner.state).toEqual({ job: 'generate', cancelling: false, progress: null, error: null, outcome: null });
    held.finish();
    expect(await done).toBe('done');
    expect(runner.busy).toBe(false);
    expect(states.at(-1)).toEqual({ job: null, cancelling: false, progress: null, error: null, outcome: 'done' });
    expect(runner.state).toBe(states.at(-1));
  });

  it('one job at a time: a second start while one runs is busy and its body never runs', async () => {
    const { runner } = recordingRunner();
    const { held, body } = heldJob();
    const first = runner.run('generate', body);
    let secondRan = false;
    expect(await runner.run('load', async () => void (secondRan = true))).toBe('busy');
    expect(secondRan).toBe(false);
    expect(runner.state.job).toBe('generate');
    held.finish();
    expect(await first).toBe('done');
    expect(await runner.run('load', async () => void (secondRan = true))).toBe('done');
    expect(secondRan).toBe(true);
  });

  it('progress shows while the job runs; a report after it ended is dropped', async () => {
    const { runner } = recordingRunner();
    const { held, body } = heldJob();
    const done = runner.run('generate', body);
    held.job.report(1);
    held.job.report(2);
    expect(runner.state).toMatchObject({ job: 'generate', progress: 2 });
    held.finish();
    await done;
    held.job.report(3);
    expect(runner.state).toMatchObject({ job: null, progress: null, outcome: 'done' });
  });

  it('Cancel marks the job cancelling, aborts its signal once, calls onCancel, and ends cancelled', async () => {
    const { runner, states, log } = recordingRunner();
    const { held, body } = heldJob();
    const done = runner.run('generate', body);
    runner.cancel();
    runner.cancel();
    expect(held.job.signal.aborted).toBe(true);
    expect(log.cancels).toBe(1);
    expect(states.some((s) => s.job === 'generate' && s.cancelling)).toBe(true);
    expect(await done).toBe('cancelled');
    expect(runner.state).toEqual({ job: null, cancelling: false, progress: null, error: null, outcome: 'cancelled' });
  });

  it('Cancel with nothing running does nothing', () => {
    const { runner, states, log } = recordingRunner();
    runner.cancel();
    expect(log.cancels).toBe(0);
    expect(states).toEqual([]);
  });

  it('a body that ends normally after Cancel still counts as cancelled', async () => {
    const { runner } = recordingRunner();
    const outcome = runner.run('load', async (job) => {
      runner.cancel();
      expect(job.signal.aborted).toBe(true);
    });
    expect(await outcome).toBe('cancelled');
  });

  it('an error becomes the outcome with its name, message and hint; the next job clears it', async () => {
    const { runner } = recordingRunner();
    const failure = Object.assign(new Error('unet/model.onnx: 404'), { name: 'ModelLoadError', kind: 'not-found' });
    expect(
      await runner.run('load', async () => {
        throw failure;
      }),
    ).toBe('error');
    expect(runner.state.outcome).toBe('error');
    expect(runner.state.error).toMatchObject({ name: 'ModelLoadError', kind: 'not-found', message: 'unet/model.onnx: 404' });
    expect(runner.state.error?.hint).toMatch(/base URL/);
    const { held, body } = heldJob();
    const next = runner.run('generate', body);
    expect(runner.state.error).toBeNull();
    held.finish();
    await next;
  });

  it('an interruption nobody asked for ends cancelled, not as an error', async () => {
    const { runner } = recordingRunner();
    const { held, body } = heldJob();
    const done = runner.run('generate', body);
    held.fail(Object.assign(new Error('Generation was cancelled.'), { name: 'GenerationInterrupted' }));
    expect(await done).toBe('cancelled');
    expect(runner.state.error).toBeNull();
  });

  it('dismissError clears the error and keeps the outcome', async () => {
    const { runner } = recordingRunner();
    await runner.run('generate', async () => {
      throw new Error('boom');
    });
    runner.dismissError();
    expect(runner.state).toMatchObject({ outcome: 'error', error: null });
  });

  it('each job gets its own signal: the previous job stays cancelled, the new one runs', async () => {
    const { runner } = recordingRunner();
    const signals: AbortSignal[] = [];
    const first = runner.run('generate', async (job) => {
      signals.push(job.signal);
      runner.cancel();
    });
    await first;
    await runner.run('generate', async (job) => void signals.push(job.signal));
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
  });
});

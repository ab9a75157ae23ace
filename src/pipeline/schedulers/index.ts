// Schedulers for the denoising loop: createScheduler(name, options) and the config parser.
// Defaults are SD 1.x / 2.x's scheduler_config.json with each scheduler's diffusers spacing.
import { BaseScheduler } from './base.ts';
import { DdimScheduler } from './ddim.ts';
import { DpmppScheduler } from './dpmpp.ts';
import { EulerScheduler } from './euler.ts';
import { LcmScheduler } from './lcm.ts';
import { checkSteps } from './spacing.ts';
import { trainingSchedule } from './training.ts';
import {
  SD_SCHEDULER_CONFIG,
  SchedulerConfigError,
  type Scheduler,
  type SchedulerConfig,
  type SchedulerOptions,
} from './types.ts';
import { SCHEDULER_NAMES, type SchedulerName } from '../../params/request.ts';

export * from './types.ts';
export { applyStep } from './step-kernel.ts';
export { schedulerNameForClass, schedulerOptionsFromConfig } from './config.ts';

export function isSchedulerName(name: unknown): name is SchedulerName {
  return typeof name === 'string' && (SCHEDULER_NAMES as readonly string[]).includes(name);
}

export function createScheduler(name: SchedulerName, options: SchedulerOptions): Scheduler {
  if (!isSchedulerName(name)) {
    throw new SchedulerConfigError(`unknown scheduler "${String(name)}" — one of ${SCHEDULER_NAMES.join(', ')}.`);
  }
  const { steps, strength = 1, ...overrides } = options;
  const config: SchedulerConfig = { ...SD_SCHEDULER_CONFIG };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  checkSteps(steps, config.numTrainTimesteps);
  const table = trainingSchedule(config);
  let scheduler: BaseScheduler;
  switch (name) {
    case 'euler':
    case 'euler-ancestral':
      scheduler = new EulerScheduler(name, config, table, steps, strength);
      break;
    case 'ddim':
      scheduler = new DdimScheduler(config, table, steps, strength);
      break;
    case 'dpmpp-2m-karras':
      scheduler = new DpmppScheduler(config, table, steps, strength);
      break;
    case 'lcm':
      scheduler = new LcmScheduler(config, table, steps, strength);
      break;
  }
  return scheduler;
}

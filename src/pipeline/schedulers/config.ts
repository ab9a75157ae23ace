// diffusers' scheduler/scheduler_config.json → SchedulerConfig fields. Keys that only other
// schedulers use are ignored, as diffusers' from_config ignores them; values this implementation
// cannot honour are refused with a SchedulerConfigError rather than silently changed.
import {
  SchedulerConfigError,
  type BetaSchedule,
  type PredictionType,
  type SchedulerConfig,
  type TimestepSpacing,
} from './types.ts';
import type { SchedulerName } from '../../params/request.ts';

type Json = Record<string, unknown>;

function pick<T>(json: Json, key: string, allowed: readonly T[]): T | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (!allowed.includes(v as T)) {
    throw new SchedulerConfigError(
      `scheduler_config.json: ${key} = ${JSON.stringify(v)} is not supported (supported: ${allowed.join(', ')}).`,
    );
  }
  return v as T;
}

function num(json: Json, key: string, integer = false): number | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new SchedulerConfigError(`scheduler_config.json: ${key} must be a${integer ? 'n integer' : ' number'}.`);
  }
  return v;
}

function bool(json: Json, key: string): boolean | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new SchedulerConfigError(`scheduler_config.json: ${key} must be true or false.`);
  return v;
}

function refuse(json: Json, key: string, why: string): void {
  const v = json[key];
  if (v !== undefined && v !== null && v !== false) {
    throw new SchedulerConfigError(`scheduler_config.json: ${key} = ${JSON.stringify(v)} is not supported — ${why}.`);
  }
}

/** The SchedulerConfig fields a scheduler_config.json sets (spread over SD_SCHEDULER_CONFIG). */
export function schedulerOptionsFromConfig(json: unknown): Partial<SchedulerConfig> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SchedulerConfigError('scheduler_config.json must hold a JSON object.');
  }
  const j = json as Json;
  refuse(j, 'trained_betas', 'only beta_schedule scaled_linear or linear');
  refuse(j, 'rescale_betas_zero_snr', 'zero-terminal-SNR schedules are not implemented');
  refuse(j, 'thresholding', 'dynamic thresholding is not implemented');
  const out: Partial<SchedulerConfig> = {
    numTrainTimesteps: num(j, 'num_train_timesteps', true),
    betaStart: num(j, 'beta_start'),
    betaEnd: num(j, 'beta_end'),
    betaSchedule: pick<BetaSchedule>(j, 'beta_schedule', ['scaled_linear', 'linear']),
    predictionType: pick<PredictionType>(j, 'prediction_type', ['epsilon', 'v_prediction']),
    timestepSpacing: pick<TimestepSpacing>(j, 'timestep_spacing', ['leading', 'trailing', 'linspace']),
    stepsOffset: num(j, 'steps_offset', true),
    setAlphaToOne: bool(j, 'set_alpha_to_one'),
    clipSample: bool(j, 'clip_sample'),
    clipSampleRange: num(j, 'clip_sample_range'),
    originalInferenceSteps: num(j, 'original_inference_steps', true),
    timestepScaling: num(j, 'timestep_scaling'),
  };
  for (const key of Object.keys(out) as (keyof SchedulerConfig)[]) if (out[key] === undefined) delete out[key];
  return out;
}

const CLASS_TO_NAME: Record<string, SchedulerName> = {
  EulerDiscreteScheduler: 'euler',
  EulerAncestralDiscreteScheduler: 'euler-ancestral',
  DDIMScheduler: 'ddim',
  DPMSolverMultistepScheduler: 'dpmpp-2m-karras',
  LCMScheduler: 'lcm',
};

/** Our scheduler for a config's `_class_name`, when we have one (PNDM, LMS, … have none). */
export function schedulerNameForClass(className: unknown): SchedulerName | undefined {
  return typeof className === 'string' ? CLASS_TO_NAME[className] : undefined;
}

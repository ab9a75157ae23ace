// Public API of the SlothfulAttention schedule: parameters, σ → t, per-site windows, the
// generation plan, and the CPU pooling reference.
export {
  DEFAULT_SA_PARAMS,
  POOL_MODES,
  SA_PARAM_SPECS,
  SIMPLE_BLEND_TOOLTIP,
  getSaParam,
  normalizeSaParams,
  parseSaJson,
  saParamSpec,
  saParamsToJson,
  setSaParam,
} from './params.ts';
export type {
  Notice,
  PoolMode,
  SaBlockParams,
  SaBooleanPath,
  SaModePath,
  SaNumberPath,
  SaParamPath,
  SaParamSpec,
  SaParamValue,
  SaParams,
} from './params.ts';
export { fromSimple, isSimple, toSimple } from './simple.ts';
export type { SaSimpleBlock, SaSimpleParams, SaSimplePatch } from './simple.ts';
export {
  SD_TRAINING_SCHEDULE,
  TRAINING_SIGMAS,
  TRAIN_TIMESTEPS,
  scaledLinearSchedule,
  sigmaToTimestep,
  timestepToSigma,
} from './sigmas.ts';
export type { TrainingSchedule } from './sigmas.ts';
export {
  SaScheduleError,
  blockParamsFor,
  planGeneration,
  progressAt,
  siteDepth,
  siteGrid,
  strideAt,
  strideStrength,
  timeRatio,
  windowForStride,
  windowLabel,
} from './schedule.ts';
export type { SaActiveWindow, SaInactiveReason, SaPlan, SaSite, SaSiteContext, SaWindow } from './schedule.ts';
export { SD_UNET_LAYOUT, SDXL_UNET_LAYOUT, sdUnetSites } from './sites.ts';
export type { SdUnetLayout } from './sites.ts';
export { poolTokens } from './pool-reference.ts';
export type { PooledTokens } from './pool-reference.ts';

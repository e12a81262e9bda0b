/**
 * Sample-based policy optimisation with Stable-Baselines3's API:
 * MirrorLearner (the sample-based Mirror Learning step for any drift; Kuba,
 * Schroeder de Witt & Foerster 2022), PPO (Schulman et al. 2017; MirrorLearner
 * with the clip drift), A2C (Mnih et al. 2016), TRPO (Schulman et al. 2015;
 * sb3-contrib's) and NPG (Kakade 2001) with their natural-gradient step
 * (conjugate gradients on Fisher-vector products, line search), evaluation,
 * callbacks, metrics and the saved-agent format. The
 * package root re-exports the user-facing names; the losses and the file
 * format are in `mirror-rl/kernels`.
 */
export { PPO, PPO_DEFAULTS, type PPOConfig } from "./ppo.js";
export { MirrorLearner, type MirrorBatch } from "./mirror-learner.js";
export {
  MIRROR_LEARNER_DEFAULTS, sampleNeighbourhood, type MirrorLearnerConfig, type LearnerConfig,
} from "./mirror-learner-config.js";
export { A2C, A2C_DEFAULTS, type A2CConfig } from "./a2c.js";
export { TRPO, TRPO_DEFAULTS, type TRPOConfig } from "./trpo.js";
export { NPG, NPG_DEFAULTS, type NPGConfig, type NpgStepSize } from "./npg.js";
export type { NaturalPolicyConfig } from "./natural-policy-agent.js";
export {
  conjugateGradient, backtrackingLineSearch, trustRegionStepSize, NaturalGradientStep,
  type ConjugateGradientOptions, type ConjugateGradientResult, type ConjugateGradientWork, type LineSearchOptions, type LineSearchResult,
  type PolicyBatch, type NaturalStepOptions, type NaturalDirection,
} from "./natural-gradient.js";
export { TrainingDivergedError, type DivergenceHint } from "./diverged.js";
export {
  OnPolicyAgent, type OnPolicyConfig, type EnvSpec, type LearnOptions, type PredictOptions, type LoadOptions,
} from "./on-policy.js";
export { evaluatePolicy, type EvaluatePolicyOptions, type EvaluatePolicyResult, type Predictor } from "./evaluate-policy.js";
export { stopOnReward, callbackList, type Callback, type ProgressInfo } from "./callbacks.js";
export { JsonlLogger, type Metrics } from "./logger.js";
export { Logger, LOG_FORMATS, type LogFormat, type LoggerOptions, type TrainingLogger, type RunInfo } from "../logging/index.js";
export { ZOO, type ZooEntry } from "./zoo.js";
export { ActorCritic, type NetArch, type ActorCriticOptions } from "./actor-critic.js";
export type { Activation } from "../nn/activation.js";
export { ppoClipLoss, ppoClipLossInto, clipEpsilon, type ClipLossStats } from "./ppo-loss.js";
export { ppoLossAndGradients, type PpoMinibatch, type PpoLossOptions, type PpoLossResult } from "./ppo-objective.js";
export {
  driftLoss, driftLossInto, driftLossPath, DRIFT_LOSS_KERNEL_KINDS, type DriftLossPath, type DriftLossStats,
} from "./drift-loss.js";
export { mirrorLossAndGradients, type MirrorMinibatch, type MirrorLossOptions, type MirrorLossResult } from "./mirror-objective.js";
export { valueLossInto, explainedVariance } from "./value-loss.js";
export { scheduleFn, type Schedule } from "./schedules.js";
export { crc32, encodeAgentFile, decodeAgentFile, FORMAT_MAGIC, FORMAT_VERSION } from "./agent-file.js";

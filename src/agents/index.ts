/**
 * Sample-based policy optimisation with Stable-Baselines3's API: PPO (Mirror
 * Learning with the clip drift) and A2C, evaluation, callbacks, metrics and
 * the saved-agent format.
 */
export { PPO, PPO_DEFAULTS, type PPOConfig } from "./ppo.js";
export { A2C, A2C_DEFAULTS, type A2CConfig } from "./a2c.js";
export { OnPolicyAgent, type OnPolicyConfig, type EnvSpec, type LearnOptions, type PredictOptions } from "./on-policy.js";
export { evaluatePolicy, type EvaluatePolicyOptions, type EvaluatePolicyResult, type Predictor } from "./evaluate-policy.js";
export { stopOnReward, callbackList, type Callback, type ProgressInfo } from "./callbacks.js";
export { JsonlLogger, type Metrics } from "./logger.js";
export { ActorCritic, type NetArch, type ActorCriticOptions } from "./actor-critic.js";
export { ppoClipLoss, ppoClipLossInto, clipEpsilon, type ClipLossStats } from "./ppo-loss.js";
export { ppoLossAndGradients, type PpoMinibatch, type PpoLossOptions, type PpoLossResult } from "./ppo-objective.js";
export { valueLossInto, explainedVariance } from "./value-loss.js";
export { Rmsprop, type RmspropOptions } from "../optim/rmsprop.js";
export { scheduleFn, type Schedule } from "./schedules.js";
export { crc32, encodeAgentFile, decodeAgentFile, FORMAT_MAGIC, FORMAT_VERSION } from "./agent-file.js";

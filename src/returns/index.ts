/** Rollouts and returns: GAE(lambda), the rollout buffer, running observation and reward normalisation. */
export {
  generalizedAdvantageEstimation, gaeOnBlocks, checkGaeCoefficients, type GaeInput, type GaeResult, type GaeBlocks,
} from "./gae.js";
export {
  RunningMeanStd, ObsNormalizer, RewardNormalizer, NORMALIZE_CLIP, NORMALIZE_EPSILON, type RunningStatsState,
} from "./running-stats.js";
export { RolloutBuffer } from "./rollout-buffer.js";
export { normalizeAdvantages } from "./advantage.js";

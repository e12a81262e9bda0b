// Every algorithm of the library as an exact tabular instance of Mirror Learning
// (Kuba, Schroeder de Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of Policy Optimisation"):
// factories returning an `Update` whose `step(mdp, policy, k)` gives the next policy.
export {
  type Update,
  type UpdateResult,
  type UpdateStepOptions,
  type PolicyEvaluation,
  type StepSize,
} from "./instance.js";
export { gpi, type GpiOptions, type GpiResult } from "./gpi.js";
export { trl, type TrlOptions, type TrlResult } from "./trl.js";
export { npg, type NpgOptions, type NpgResult } from "./npg.js";
export { trpo, type TrpoOptions, type TrpoResult } from "./trpo.js";
export { ppo, type PpoOptions, type PpoResult } from "./ppo.js";
export { cpi, type CpiOptions, type CpiResult } from "./cpi.js";
export { analytical, analyticalConstant, type AnalyticalOptions, type AnalyticalResult } from "./analytical.js";
export { qNpg, type QNpgOptions, type QNpgResult } from "./q-npg.js";
export { ampo, type AmpoOptions, type AmpoResult } from "./ampo.js";
export {
  tsallis,
  tsallisGradient,
  tsallisDivergence,
  tsallisDrift,
  tsallisProjection,
  type TsallisMap,
} from "../mirror/kernels/tsallis.js";
export {
  linearFeatures,
  sparseFeatures,
  tabularFeatures,
  randomFeatures,
  featureLogits,
  denseFeatureTable,
  logLinearPolicy,
  logSoftmaxRows,
  type LinearFeatures,
} from "./features.js";
export {
  weightedLeastSquares,
  fitWeights,
  DENSE_FIT_MAX_DIM,
  type FitDistribution,
  type LeastSquaresFit,
  type LeastSquaresOptions,
} from "./least-squares.js";
export { optimise, type OptimiseOptions, type OptimiseResult, type OptimiseHistory, type IterationInfo } from "../mirror/optimise.js";
export {
  compareInstances,
  runInstance,
  instancePreset,
  INSTANCE_PRESETS,
  type InstancePreset,
  type CompareOptions,
  type CompareResult,
  type InstanceRun,
} from "./compare.js";

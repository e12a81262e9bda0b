/**
 * mirror-rl: policy optimisation as Mirror Learning, with WebAssembly SIMD
 * kernels, for Node and browsers.
 *
 * Everything is synchronous once the WebAssembly module is loaded. In a
 * browser call `await init()` first; in Node it is optional (the module loads
 * synchronously on first use).
 *
 * This file is the public API: every name is listed on purpose (and
 * snapshotted in test/api/exports.test.ts). Two families share a word:
 * lower-case factories (`ppo({ epsilon })`, `trpo({ delta })`, `npg(...)`)
 * are exact tabular Mirror Learning instances run on a known MDP; capitalised
 * classes (`PPO`, `A2C`, `TRPO`, `NPG`) are agents trained from sampled environment steps.
 * The per-state kernel wrappers, neural-network layers, optimisers and the
 * agent file format are in the lower-level subpath `mirror-rl/kernels`.
 */

// ----- set-up, errors, randomness -----
export { init, isInitialised, type WasmSource } from "./core/wasm.js";
export { ValidationError, ConvergenceError, type Location } from "./core/errors.js";
export { Rng } from "./core/rng.js";

// ----- tabular MDPs and their generators -----
export {
  TabularMdp,
  type DenseMdpSpec,
  type SparseMdpSpec,
  type MdpBlocks,
  type MdpJson,
  type DenseMdpJson,
  type SparseMdpJson,
  type CsrInfo,
  type DenseTransitions,
  type RewardTable,
  garnet,
  type GarnetOptions,
  frozenLake,
  frozenLakeMap,
  FROZEN_LAKE_MAPS,
  FrozenLakeAction,
  type FrozenLakeOptions,
  riverSwim,
  RiverSwimAction,
  type RiverSwimOptions,
  forest,
  ForestAction,
  type ForestOptions,
  randomMdp,
  type RandomMdpOptions,
  smallMdp,
} from "./mdp/index.js";

// ----- policies (flat Float64Array pi[s*A + a]) -----
export {
  uniformPolicy,
  greedyPolicy,
  softmaxPolicy,
  epsilonGreedyPolicy,
  deterministicPolicy,
  policyActions,
  validatePolicy,
  sampleAction,
  type MdpShape,
} from "./policy/index.js";

// ----- exact evaluation -----
export {
  evaluate,
  policyValue,
  discountedVisitation,
  qFromV,
  advantageFromQ,
  type Evaluation,
  type EvaluateOptions,
  type PolicyValue,
  type PolicyValueOptions,
  type VisitationOptions,
  type EvaluationOptions,
  type Visitation,
  type SolverChoice,
  type SolverName,
} from "./evaluation/index.js";

// ----- classic planners (pymdptoolbox's semantics) -----
export {
  valueIteration,
  type ValueIterationOptions,
  type ValueIterationResult,
  policyIteration,
  type PolicyIterationOptions,
  type PolicyIterationResult,
  modifiedPolicyIteration,
  type ModifiedPolicyIterationOptions,
  type ModifiedPolicyIterationResult,
  optimalityBackup,
  optimalityResidual,
  type OptimalityBackup,
} from "./planning/index.js";

// ----- Mirror Learning: drifts, neighbourhoods, the exact step -----
export {
  zeroDrift,
  forwardKlDrift,
  reverseKlDrift,
  squaredTvDrift,
  squaredL2Drift,
  clipDrift,
  customDrift,
  checkDrift,
  type Drift,
  type DriftKind,
  type CustomDriftSpec,
  type DriftCheck,
  allPolicies,
  meanKlBall,
  maxKlBall,
  tvBall,
  mixtureSegment,
  neighbourhoodMeasure,
  type Neighbourhood,
  type AllPolicies,
  type MeanKlBall,
  type MaxKlBall,
  type TvBall,
  type MixtureSegment,
  type StateDistribution,
  mirrorStep,
  mirrorUpdate,
  type MirrorEvaluation,
  type MirrorStepOptions,
  type MirrorStepResult,
  type MirrorProblem,
  type GenericOptions,
} from "./mirror/index.js";

// ----- exact tabular instances of Mirror Learning, and optimise -----
export {
  type Update,
  type UpdateResult,
  type UpdateStepOptions,
  type PolicyEvaluation,
  type StepSize,
  gpi,
  type GpiOptions,
  type GpiResult,
  trl,
  type TrlOptions,
  type TrlResult,
  npg,
  type NpgOptions,
  type NpgResult,
  trpo,
  type TrpoOptions,
  type TrpoResult,
  ppo,
  type PpoOptions,
  type PpoResult,
  cpi,
  type CpiOptions,
  type CpiResult,
  analytical,
  analyticalConstant,
  type AnalyticalOptions,
  type AnalyticalResult,
  qNpg,
  type QNpgOptions,
  type QNpgResult,
  ampo,
  type AmpoOptions,
  type AmpoResult,
  tsallis,
  tsallisDivergence,
  tsallisDrift,
  type TsallisMap,
  linearFeatures,
  sparseFeatures,
  tabularFeatures,
  randomFeatures,
  featureLogits,
  logLinearPolicy,
  type LinearFeatures,
  weightedLeastSquares,
  fitWeights,
  type FitDistribution,
  type LeastSquaresFit,
  type LeastSquaresOptions,
  optimise,
  type OptimiseOptions,
  type OptimiseResult,
  type OptimiseHistory,
  type IterationInfo,
} from "./instances/index.js";

// ----- theory: the theorems as functions -----
export {
  performanceDifference,
  type PerformanceDifference,
  cpiAdvantage,
  cpiBound,
  cpiOptimalAlpha,
  cpiRewardSpan,
  surrogateBound,
  type SurrogateBound,
  checkMonotone,
  type MonotoneCheck,
  fitLinearRate,
  type LinearRate,
  npgContraction,
  type NpgContraction,
} from "./theory/index.js";

// ----- several agents -----
export {
  MultiAgentMdp,
  type FactoredPolicy,
  type DenseMultiAgentSpec,
  type SparseMultiAgentSpec,
  sequentialUpdate,
  simultaneousUpdate,
  jointEta,
  type AgentUpdate,
  type AgentStepOptions,
  type AgentStepResult,
  type AgentUpdates,
  type AgentOrder,
  type SequentialOptions,
  type SequentialResult,
  type SimultaneousOptions,
  type SimultaneousResult,
  optimiseMultiAgent,
  type OptimiseMultiAgentOptions,
  type OptimiseMultiAgentResult,
  type MultiAgentHistory,
  matrixGame,
  climbingGame,
  penaltyGame,
  type MatrixGameOptions,
  twoAgentGridworld,
  GridAction,
  type TwoAgentGridworld,
  type GridworldOptions,
} from "./multiagent/index.js";

// ----- environments (Gymnasium's API) -----
export {
  makeEnv,
  makeVecEnv,
  ENV_IDS,
  type EnvId,
  type EnvParamsById,
  type MakeVecEnvOptions,
  checkEnv,
  type CheckEnvOptions,
  type CheckEnvReport,
  Box,
  Discrete,
  type BoxDtype,
  type Space,
  type Env,
  type VecEnv,
  type Action,
  type Observation,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
  type VecStepResult,
  type VecResetResult,
  type VecInfo,
  type ClassicControlEnv,
  type ClassicEnvOptions,
  CartPoleEnv,
  type CartPoleParams,
  AcrobotEnv,
  type AcrobotParams,
  MountainCarEnv,
  type MountainCarParams,
  PendulumEnv,
  type PendulumParams,
  tabularEnv,
  type TabularEnv,
  type TabularEnvOptions,
} from "./envs/index.js";
export type { EnvClassById } from "./envs/registry.js";

// ----- agents trained from samples (Stable-Baselines3's API) -----
export {
  PPO,
  PPO_DEFAULTS,
  type PPOConfig,
  A2C,
  A2C_DEFAULTS,
  type A2CConfig,
  TRPO,
  TRPO_DEFAULTS,
  type TRPOConfig,
  NPG,
  NPG_DEFAULTS,
  type NPGConfig,
  type NpgStepSize,
  type NaturalPolicyConfig,
  TrainingDivergedError,
  type DivergenceHint,
  type OnPolicyAgent,
  type OnPolicyConfig,
  type EnvSpec,
  type LearnOptions,
  type PredictOptions,
  type LoadOptions,
  evaluatePolicy,
  type EvaluatePolicyOptions,
  type EvaluatePolicyResult,
  type Predictor,
  stopOnReward,
  callbackList,
  type Callback,
  type ProgressInfo,
  type Metrics,
  type NetArch,
  type Activation,
  type Schedule,
} from "./agents/index.js";

// ----- returns and normalisation -----
export {
  generalizedAdvantageEstimation,
  type GaeInput,
  type GaeResult,
  RolloutBuffer,
  RunningMeanStd,
  ObsNormalizer,
  RewardNormalizer,
  type RunningStatsState,
} from "./returns/index.js";

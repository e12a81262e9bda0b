/**
 * `mirror-rl/kernels`: the lower-level layer under the public API, for
 * building new algorithms on the same WebAssembly kernels and for checking
 * them one piece at a time.
 *
 * - Mirror Learning's per-state solvers on S x A tables (the exact step's
 *   inner loops: exponential update, TRL dual, KL-ball multiplier search,
 *   water-filling for the clip drift, TV and L2 projections, greedy step,
 *   Tsallis projection, the generic mirror-ascent solver);
 * - WebAssembly memory: `kernels()` (the raw module exports: pointers,
 *   lengths and scalars) and blocks (`f64Block`, `f32Block`, `i32Block`) that
 *   the neural-network functions read and write in place;
 * - neural networks in f32: dense layers, activations, categorical and
 *   diagonal-Gaussian heads, the gSDE head (Raffin, Kober & Stulp 2022),
 *   orthogonal initialisation (Saxe et al. 2014),
 *   `Mlp` and its `ParameterStore`, Fisher-vector products of a policy
 *   network (`fisherVectorProduct`, `FisherOperator`);
 * - optimisers: Adam (Kingma & Ba 2015), RMSprop, global-norm clipping;
 * - the pieces of the agents: actor-critic, PPO's clip loss, every drift's
 *   sample-based loss (driftLoss, mirrorLossAndGradients), value loss, GAE
 *   on blocks, schedules, TRPO's and NPG's natural-gradient step (conjugate
 *   gradients, backtracking line search) and the agent file format (CRC-32 checked).
 *
 * Less stable than the package root: names and signatures here follow the
 * kernels and may change between minor versions. Inputs are still checked at
 * the TypeScript boundary (a ValidationError naming the argument), but these
 * functions trust their callers more: several write into `out` arguments or
 * WebAssembly blocks that the caller owns and must keep alive.
 */

// ----- WebAssembly memory -----
export { kernels, type Kernels } from "./core/wasm.js";
export { Block, f64Block, f32Block, i32Block, scratch, type BlockKind } from "./core/arena.js";

// ----- Mirror Learning's per-state kernels -----
export {
  expUpdate,
  logOf,
  perStateKl,
  perStateTv,
  trlSolve,
  klBallSolve,
  clipSolve,
  tvSolve,
  l2Solve,
  greedyStep,
  solveStateGeneric,
  type GenericStateResult,
  searchMultiplier,
  resolveDistribution,
} from "./mirror/index.js";
export { tsallisGradient, tsallisProjection, logSoftmaxRows, denseFeatureTable } from "./instances/index.js";

// ----- neural networks (f32) -----
export {
  F32Matrix,
  type F32Ref,
  type I32Ref,
  type U8Ref,
  checkFinite,
  denseForward,
  denseBackwardInput,
  denseBackwardParams,
  tanhForward,
  tanhBackward,
  reluForward,
  reluBackward,
  ACTIVATIONS,
  categoricalForward,
  categoricalBackward,
  categoricalKl,
  categoricalKlBackward,
  categoricalSample,
  categoricalMode,
  type CategoricalForwardArgs,
  type CategoricalBackwardArgs,
  type CategoricalKlArgs,
  type CategoricalKlBackwardArgs,
  type RowValues,
  gaussianLogProb,
  gaussianLogProbBackward,
  gaussianKl,
  gaussianKlBackward,
  gaussianEntropy,
  gaussianSample,
  type GaussianLogProbArgs,
  type GaussianLogProbBackwardArgs,
  type GaussianKlArgs,
  type GaussianKlBackwardArgs,
  sdeLogProb,
  sdeLogProbBackward,
  sdeStd,
  sdeVarianceWeights,
  sdeLogStdGradient,
  sdeLogStdSize,
  sdeNoisyActions,
  SdeNoise,
  SdeHead,
  SDE_EPSILON,
  type SdeShape,
  type SdeLogProbArgs,
  type SdeLogProbBackwardArgs,
  type SdeHeadOptions,
  orthogonal,
  HIDDEN_GAIN,
  POLICY_GAIN,
  VALUE_GAIN,
  ParameterStore,
  ParameterSlice,
  Mlp,
  mlpParameterCount,
  type MlpOptions,
  type LayerLayout,
  fisherVectorProduct,
  FisherOperator,
  fisherJvp,
  fisherCategoricalMetric,
  fisherGaussianMetric,
  type FisherHead,
  type FisherOperatorOptions,
  type FisherVectorProductArgs,
  type FisherJvpArgs,
} from "./nn/index.js";

// ----- optimisers -----
export {
  Adam,
  type AdamOptions,
  type AdamState,
  type Optimisable,
  Rmsprop,
  type RmspropOptions,
  type RmspropState,
  clipGradNorm,
  clipGradNormScale,
  gradNorm,
  clipCoefficient,
  type Gradients,
} from "./optim/index.js";

// ----- pieces of the agents -----
export {
  ActorCritic,
  type ActorCriticOptions,
  ppoClipLoss,
  ppoClipLossInto,
  clipEpsilon,
  type ClipLossStats,
  ppoLossAndGradients,
  type PpoMinibatch,
  type PpoLossOptions,
  type PpoLossResult,
  driftLoss,
  driftLossInto,
  driftLossPath,
  type DriftLossPath,
  type DriftLossStats,
  mirrorLossAndGradients,
  type MirrorMinibatch,
  type MirrorLossOptions,
  type MirrorLossResult,
  valueLossInto,
  explainedVariance,
  scheduleFn,
  conjugateGradient,
  backtrackingLineSearch,
  trustRegionStepSize,
  NaturalGradientStep,
  type ConjugateGradientOptions,
  type ConjugateGradientResult,
  type ConjugateGradientWork,
  type LineSearchOptions,
  type LineSearchResult,
  type PolicyBatch,
  type NaturalStepOptions,
  type NaturalDirection,
  crc32,
  encodeAgentFile,
  decodeAgentFile,
  FORMAT_MAGIC,
  FORMAT_VERSION,
} from "./agents/index.js";
export { gaeOnBlocks, normalizeAdvantages, type GaeBlocks } from "./returns/index.js";
/** The did-you-mean of every unknown option and name (the command line's too). */
export { nearestName } from "./core/validate.js";

// Mirror Learning core (Kuba, Schroeder de Witt & Foerster 2022): drifts and
// neighbourhoods with their solvers, state distributions, the exact step, and
// the per-state kernels it runs on.
export {
  type Drift,
  type DriftKind,
  type DriftSpec,
  type SampleEstimator,
  type BatchEstimator,
  type CustomDriftSpec,
  type DriftCheck,
  resolveDrift,
  zeroDrift,
  forwardKlDrift,
  reverseKlDrift,
  squaredTvDrift,
  squaredL2Drift,
  clipDrift,
  customDrift,
  checkDrift,
} from "./drifts.js";
export {
  type Neighbourhood,
  type NeighbourhoodSpec,
  type NeighbourhoodSolver,
  type NeighbourhoodKind,
  type AllPolicies,
  type MeanKlBall,
  type MeanKlBallOptions,
  type KlDirection,
  type MaxKlBall,
  type TvBall,
  type MixtureSegment,
  allPolicies,
  meanKlBall,
  maxKlBall,
  tvBall,
  mixtureSegment,
  neighbourhoodMeasure,
  resolveNeighbourhood,
} from "./neighbourhoods.js";
export { type StateDistribution, type DriftDistribution, resolveDistribution } from "./distributions.js";
export {
  type MirrorEvaluation,
  type MirrorStepOptions,
  type MirrorStepResult,
  type MirrorProblem,
  mirrorStep,
  mirrorUpdate,
} from "./step.js";
export { type GenericOptions, type GenericStateResult, solveStateGeneric } from "./generic.js";
export { searchMultiplier, goldenSectionMax } from "./search.js";
export { expUpdate, logOf } from "./kernels/exp-update.js";
export { perStateKl, perStateTv } from "./kernels/kl.js";
export { trlSolve, klBallSolve } from "./kernels/trl.js";
export { clipSolve } from "./kernels/clip.js";
export { tvSolve } from "./kernels/tv.js";
export { l2Solve } from "./kernels/l2.js";
export { greedyStep } from "./kernels/greedy.js";

// Mirror Learning core: drifts, neighbourhoods, state distributions, the exact
// step, and the per-state kernels it runs on.
export {
  type Drift,
  type DriftKind,
  type CustomDriftSpec,
  type DriftCheck,
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
  type AllPolicies,
  type MeanKlBall,
  type MaxKlBall,
  type TvBall,
  type MixtureSegment,
  allPolicies,
  meanKlBall,
  maxKlBall,
  tvBall,
  mixtureSegment,
  neighbourhoodMeasure,
} from "./neighbourhoods.js";
export { type StateDistribution, resolveDistribution } from "./distributions.js";
export {
  type MirrorEvaluation,
  type MirrorStepOptions,
  type MirrorStepResult,
  type MirrorProblem,
  mirrorStep,
  mirrorUpdate,
} from "./step.js";
export { type GenericOptions, type GenericStateResult, solveStateGeneric } from "./generic.js";
export { searchMultiplier } from "./search.js";
export { expUpdate, logOf } from "./exp-update.js";
export { perStateKl, perStateTv } from "./kl.js";
export { trlSolve, klBallSolve } from "./trl.js";
export { clipSolve } from "./clip.js";
export { tvSolve } from "./tv.js";
export { l2Solve } from "./l2.js";
export { greedyStep } from "./greedy.js";

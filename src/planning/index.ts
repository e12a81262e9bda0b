// The classic MDP solvers with pymdptoolbox's semantics, and the Bellman
// optimality operator they are built on.
export {
  valueIteration,
  valueIterationBound,
  DEFAULT_VALUE_ITERATION_CAP,
  type ValueIterationOptions,
  type ValueIterationResult,
} from "./value-iteration.js";
export { policyIteration, type PolicyIterationOptions, type PolicyIterationResult } from "./policy-iteration.js";
export {
  modifiedPolicyIteration,
  DEFAULT_MAX_IMPROVEMENTS,
  type ModifiedPolicyIterationOptions,
  type ModifiedPolicyIterationResult,
} from "./modified-policy-iteration.js";
export {
  optimalityBackup,
  optimalityResidual,
  DEFAULT_TIE_TOLERANCE,
  type OptimalityBackup,
} from "./optimality.js";

// The public tabular-MDP API: the model, its validation, JSON form and generators.
export {
  TabularMdp,
  type DenseMdpSpec,
  type SparseMdpSpec,
  type MdpBlocks,
} from "./tabular-mdp.js";
export {
  MDP_JSON_FORMAT,
  MDP_JSON_VERSION,
  type MdpJson,
  type DenseMdpJson,
  type SparseMdpJson,
} from "./json.js";
export {
  PROBABILITY_TOLERANCE,
  WASM_MEMORY_LIMIT,
  validateShape,
  validateGamma,
  validateDenseTransitions,
  validateRewards,
  validateInitialDistribution,
  validateDistribution,
  validateCsr,
  validateDenseSpec,
  validateSparseSpec,
  type CsrInfo,
  type DenseTransitions,
  type RewardTable,
} from "./validate.js";
export * from "./generators/index.js";

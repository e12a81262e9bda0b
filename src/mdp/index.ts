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
export type { CsrInfo, DenseTransitions, RewardTable } from "./spec.js";
export * from "./generators/index.js";

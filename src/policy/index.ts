// Policies as flat Float64Arrays pi[s*A + a].
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
} from "./policy.js";

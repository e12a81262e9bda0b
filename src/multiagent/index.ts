// Multi-agent MDPs with factored policies and agent-wise Mirror Learning
// (sequential updates with monotone improvement; simultaneous for comparison).
export {
  MultiAgentMdp,
  type FactoredPolicy,
  type DenseMultiAgentSpec,
  type SparseMultiAgentSpec,
} from "./multi-agent-mdp.js";
export {
  type AgentUpdate,
  type AgentStepOptions,
  type AgentStepResult,
  type AgentUpdates,
  type AgentOrder,
  type SequentialOptions,
  type SequentialResult,
  type SimultaneousOptions,
  type SimultaneousResult,
  sequentialUpdate,
  simultaneousUpdate,
  jointEta,
} from "./updates.js";
export {
  type OptimiseMultiAgentOptions,
  type OptimiseMultiAgentResult,
  type MultiAgentHistory,
  optimiseMultiAgent,
} from "./optimise-multi-agent.js";
export {
  type MatrixGameOptions,
  CLIMBING_PAYOFF,
  matrixGame,
  climbingGame,
  penaltyGame,
  twoAgentGridworld,
  type TwoAgentGridworld,
  type GridworldOptions,
  GridAction,
} from "./games.js";

/**
 * Runs agent-wise Mirror Learning on a multi-agent MDP: `iterations` sweeps,
 * each either sequential (agents one after another, joint eta monotone: Li,
 * Clavette & He 2022 result 3; Kuba et al. 2022, heterogeneous-agent mirror
 * learning) or simultaneous (all agents against the old joint policy, no
 * guarantee). Iteration k passes k to every agent's `step` (step schedules).
 */
import { ValidationError } from "../core/errors.js";
import { checkObject, checkOptions } from "../core/validate.js";
import type { Rng } from "../core/rng.js";
import type { FactoredPolicy, MultiAgentMdp } from "./multi-agent-mdp.js";
import {
  type AgentOrder,
  type AgentUpdates,
  checkMultiAgent,
  checkUpdates,
  jointEta,
  orderDrawer,
  sequentialUpdate,
  simultaneousUpdate,
} from "./updates.js";

export interface OptimiseMultiAgentOptions {
  /** Number of sweeps (an integer >= 0). */
  iterations: number;
  /** "sequential" (default) or "simultaneous". */
  mode?: "sequential" | "simultaneous";
  /** Sequential order (default "fixed"); "random" draws a fresh permutation from `rng` every sweep. */
  order?: AgentOrder;
  /** Generator for `order: "random"`. */
  rng?: Rng;
  /** Start policy (default: every agent uniform). Not modified. */
  policies?: FactoredPolicy;
  /** Stop early once a sweep changes eta by at most this much (absolute, >= 0); default: run every sweep. */
  tolerance?: number;
  /** Called after each sweep; returning `false` stops the run. */
  onIteration?: (info: { k: number; policies: readonly Float64Array[]; eta: number }) => void | boolean;
}

export interface MultiAgentHistory {
  /** Joint eta of the start policy, then after each sweep (length iterations + 1 when run to the end). */
  eta: number[];
  /** Sequential mode: joint eta after each agent's step within sweep k (`agentEta[k][m]`, m in [0, N)). */
  agentEta: number[][];
  /** Sequential mode: the order of each sweep. */
  order: number[][];
  /** Wall-clock milliseconds per sweep. */
  time: number[];
}

export interface OptimiseMultiAgentResult {
  /** The final factored policy. */
  policies: Float64Array[];
  /** Its joint policy pi(a|s) = prod_i pi_i(a_i|s). */
  jointPolicy: Float64Array;
  /** Sweeps done. */
  iterations: number;
  history: MultiAgentHistory;
}

const OPTION_NAMES = ["iterations", "mode", "order", "rng", "policies", "tolerance", "onIteration"];

/** `iterations` sweeps of `sequentialUpdate` or `simultaneousUpdate` from `options.policies` (default uniform). */
export function optimiseMultiAgent(
  mamdp: MultiAgentMdp, update: AgentUpdates, options: OptimiseMultiAgentOptions,
): OptimiseMultiAgentResult {
  const m = checkMultiAgent(mamdp, "optimiseMultiAgent");
  checkObject("options", options, "optimiseMultiAgent: { iterations, ... }");
  checkOptions("options", options, OPTION_NAMES, "optimiseMultiAgent");
  const { iterations, tolerance, onIteration } = options;
  if (typeof iterations !== "number" || !Number.isInteger(iterations) || iterations < 0) {
    throw new ValidationError("iterations", "must be an integer >= 0 (optimiseMultiAgent)", iterations);
  }
  const mode = options.mode ?? "sequential";
  if (mode !== "sequential" && mode !== "simultaneous") {
    throw new ValidationError("mode", 'must be "sequential" or "simultaneous"', mode);
  }
  if (tolerance !== undefined && (typeof tolerance !== "number" || !(tolerance >= 0))) {
    throw new ValidationError("tolerance", "must be a number >= 0", tolerance);
  }
  if (onIteration !== undefined && typeof onIteration !== "function") {
    throw new ValidationError("onIteration", "must be a function", typeof onIteration);
  }
  checkUpdates(update, m.N, "optimiseMultiAgent");
  const drawOrder = orderDrawer(options.order, options.rng, m.N, "optimiseMultiAgent");
  let pis: Float64Array[] = m.validateFactored(options.policies ?? m.uniformPolicies()).map((p) => p.slice());

  // Log-policies of log-space updates travel from each agent's step to its next one.
  let logs: (Float64Array | undefined)[] | undefined;
  const history: MultiAgentHistory = { eta: [jointEta(m, pis)], agentEta: [], order: [], time: [] };
  let k = 0;
  while (k < iterations) {
    const start = performance.now();
    let eta: number;
    if (mode === "sequential") {
      const r = sequentialUpdate(m, pis, update, { order: drawOrder(), k, logPolicies: logs });
      pis = r.policies;
      logs = r.logPolicies;
      eta = r.eta[r.eta.length - 1];
      history.agentEta.push(r.eta.slice(1));
      history.order.push(r.order);
    } else {
      const r = simultaneousUpdate(m, pis, update, { k, logPolicies: logs });
      pis = r.policies;
      logs = r.logPolicies;
      eta = r.eta[1];
    }
    history.time.push(performance.now() - start);
    const previous = history.eta[history.eta.length - 1];
    history.eta.push(eta);
    k++;
    if (onIteration && onIteration({ k: k - 1, policies: pis, eta }) === false) break;
    if (tolerance !== undefined && Math.abs(eta - previous) <= tolerance) break;
  }
  return { policies: pis, jointPolicy: m.jointPolicy(pis), iterations: k, history };
}

/**
 * Agent-wise Mirror Learning updates of a factored policy.
 *
 * Sequential (Li, Clavette & He 2022, their multi-agent result; heterogeneous-agent
 * mirror learning, Kuba et al. 2022): agents move one after another in an
 * order i_1, ..., i_N; agent i_m applies a single-agent update to its induced
 * MDP built from the others' LATEST policies (agents i_1..i_{m-1} already
 * updated). Agent i's policy on its induced MDP generates exactly the joint
 * chain, so eta_induced(pi_i) = eta_joint(pi) and any update that improves
 * eta monotonically on a single-agent MDP (every Mirror Learning instance)
 * improves the joint eta after every agent's step:
 *
 *   eta(pi_new^{i_1..i_m}, pi_old^{rest}) >= eta(pi_new^{i_1..i_{m-1}}, pi_old^{rest}).
 *
 * This is block-coordinate mirror ascent: each agent's step uses the exact
 * advantages of its induced MDP given the others' NEW policies, which is the
 * corollary's setting (pi_new^{-i} = pi_old^{-i} at each agent's step), and
 * exact tabular evaluation makes the re-evaluation cheap. HAML proper reaches
 * the same guarantee without re-evaluating between agents, through the
 * multi-agent advantage of the old joint policy; that variant is not
 * implemented here.
 *
 * Simultaneous, for comparison: every agent updates against the OLD joint
 * policy's induced MDPs and all switch at once. Each agent alone would
 * improve, but the product of the moves need not: in a coordination game both
 * may switch to the action that matches the other's old choice and
 * miscoordinate, so eta can fall.
 */
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { checkObject, checkOptions, checkPolicy, kindOf } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import { type FactoredPolicy, MultiAgentMdp } from "./multi-agent-mdp.js";

/** Per-step input carried from an agent's previous step (log-space updates). */
export interface AgentStepOptions {
  /** log pi_i from the agent's previous step, so log-space updates never underflow to exactly 0. */
  logPolicy?: Float64Array;
}

/** What an agent's step returns: at least the new policy. */
export interface AgentStepResult {
  policy: Float64Array;
  logPolicy?: Float64Array;
}

/** What a single-agent instance offers (`gpi()`, `npg({...})`, ... from the algorithms module qualify). */
export interface AgentUpdate {
  step(mdp: TabularMdp, policy: Float64Array, k?: number, options?: AgentStepOptions): AgentStepResult;
  readonly name?: string;
}

/** One update shared by all agents, or one per agent (heterogeneous agents). */
export type AgentUpdates = AgentUpdate | readonly AgentUpdate[];

/** Agent order of a sequential sweep: 0..N-1, a fresh random permutation per sweep, or a given permutation. */
export type AgentOrder = "fixed" | "random" | readonly number[];

export interface SequentialOptions {
  /** Update order (default "fixed": 0, 1, ..., N-1). */
  order?: AgentOrder;
  /** The generator for `order: "random"` (required then). */
  rng?: Rng;
  /** Iteration index passed to each `step` (step-size schedules), default 0. */
  k?: number;
  /** Per-agent log-policies from previous steps (entries may be undefined), passed on as `logPolicy`. */
  logPolicies?: readonly (Float64Array | undefined)[];
}

export interface SimultaneousOptions {
  /** Iteration index passed to each `step`, default 0. */
  k?: number;
  /** Per-agent log-policies from previous steps, as in `SequentialOptions`. */
  logPolicies?: readonly (Float64Array | undefined)[];
}

export interface SequentialResult {
  /** The new factored policy. */
  policies: Float64Array[];
  /** The agents in the order they moved. */
  order: number[];
  /** Joint eta before any agent moved, then after each agent's step in order (length N + 1). */
  eta: number[];
  /** Per-agent log-policies returned by log-space updates (undefined for the others). */
  logPolicies: (Float64Array | undefined)[];
  /** Each step's full result, in update order (`steps[m]` belongs to agent `order[m]`). */
  steps: AgentStepResult[];
}

export interface SimultaneousResult {
  policies: Float64Array[];
  /** Joint eta before and after the simultaneous move (length 2). */
  eta: number[];
  logPolicies: (Float64Array | undefined)[];
  /** Each agent's step result, by agent index. */
  steps: AgentStepResult[];
}

/** @internal Checks the model argument. */
export function checkMultiAgent(mamdp: unknown, where: string): MultiAgentMdp {
  if (!(mamdp instanceof MultiAgentMdp)) {
    throw new ValidationError("mamdp", `must be a MultiAgentMdp (${where})`, kindOf(mamdp));
  }
  if (mamdp.joint.disposed) throw new ValidationError("mamdp", `its joint MDP was used after dispose() (${where})`, String(mamdp));
  return mamdp;
}

function isUpdate(u: unknown): u is AgentUpdate {
  return u !== null && typeof u === "object" && typeof (u as AgentUpdate).step === "function";
}

/** @internal One update per agent from a shared update or a per-agent list. */
export function checkUpdates(update: unknown, N: number, where: string): AgentUpdate[] {
  if (Array.isArray(update)) {
    if (update.length !== N) {
      throw new ValidationError("update", `a per-agent list must hold N = ${N} updates (${where})`, update.length);
    }
    update.forEach((u, i) => {
      if (!isUpdate(u)) throw new ValidationError("update", `must have a step(mdp, policy, k) method (${where})`, typeof u, { agent: i });
    });
    return update as AgentUpdate[];
  }
  if (!isUpdate(update)) {
    throw new ValidationError("update", `must be an update with step(mdp, policy, k), or one per agent (${where})`, update === null ? null : typeof update);
  }
  return new Array<AgentUpdate>(N).fill(update);
}

/** @internal Checks an order option and returns a function drawing the order of one sweep. */
export function orderDrawer(order: unknown, rng: unknown, N: number, where: string): () => number[] {
  const o = order ?? "fixed";
  if (o === "fixed") return () => Array.from({ length: N }, (_, i) => i);
  if (o === "random") {
    if (!(rng instanceof Rng)) throw new ValidationError("rng", `an Rng is required with order "random" (${where})`, rng === null ? null : typeof rng);
    return () => {
      const p = Array.from({ length: N }, (_, i) => i);
      rng.shuffle(p);
      return p;
    };
  }
  if (Array.isArray(o)) {
    const seen = new Set<number>();
    for (const i of o) {
      if (!Number.isInteger(i) || i < 0 || i >= N || seen.has(i)) {
        throw new ValidationError("order", `must be a permutation of 0..${N - 1} (${where})`, o);
      }
      seen.add(i);
    }
    if (seen.size !== N) throw new ValidationError("order", `must be a permutation of 0..${N - 1} (${where})`, o);
    const fixed = o.slice() as number[];
    return () => fixed.slice();
  }
  throw new ValidationError("order", `must be "fixed", "random" or a permutation of 0..${N - 1} (${where})`, o);
}

/** @internal Checks an iteration index k (an integer >= 0). */
export function checkK(k: unknown, where: string): number {
  const v = k ?? 0;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new ValidationError("k", `must be an integer >= 0 (${where})`, v);
  return v;
}

/** Joint eta of a factored policy (exact evaluation of the product policy on the joint MDP). */
export function jointEta(mamdp: MultiAgentMdp, policies: FactoredPolicy): number {
  checkMultiAgent(mamdp, "jointEta");
  return evaluate(mamdp.joint, mamdp.jointPolicy(policies)).eta;
}

/** @internal Checks per-agent log-policies (shape only: the update checks they match the policy). */
export function checkLogPolicies(m: MultiAgentMdp, logs: unknown, where: string): (Float64Array | undefined)[] {
  if (logs === undefined) return new Array<Float64Array | undefined>(m.N).fill(undefined);
  if (!Array.isArray(logs) || logs.length !== m.N) {
    throw new ValidationError("logPolicies", `must hold one entry per agent (N = ${m.N}) (${where})`, Array.isArray(logs) ? logs.length : typeof logs);
  }
  return logs.map((l, i) => {
    if (l === undefined) return undefined;
    if (!(l instanceof Float64Array) || l.length !== m.S * m.actionCounts[i]) {
      throw new ValidationError("logPolicies", `must be a Float64Array of length S*A_i = ${m.S * m.actionCounts[i]} (${where})`, l instanceof Float64Array ? l.length : typeof l, { agent: i });
    }
    return l;
  });
}

/** Agent i's step on its induced MDP given the factored policy `pis` (the others' entries are read). */
function agentStep(
  m: MultiAgentMdp, pis: Float64Array[], i: number, update: AgentUpdate, k: number, logPolicy: Float64Array | undefined,
): AgentStepResult {
  const induced = m.inducedMdp(pis, i);
  try {
    const result = logPolicy === undefined ? update.step(induced, pis[i], k) : update.step(induced, pis[i], k, { logPolicy });
    if (result === null || typeof result !== "object") {
      throw new ValidationError("update", "step must return an object with a policy", result, { agent: i });
    }
    checkPolicy(`update.step(...).policy of agent ${i}`, result.policy, m.S, m.actionCounts[i]);
    return result;
  } finally {
    induced.dispose();
  }
}

/**
 * One sequential sweep: agents move one at a time in `options.order`, each
 * applying its update to the MDP induced by the others' latest policies. The
 * joint eta is non-decreasing along `result.eta` for every Mirror Learning
 * instance (see the module comment). `policies[i]` has length S*A_i; the
 * inputs are not modified.
 */
export function sequentialUpdate(
  mamdp: MultiAgentMdp, policies: FactoredPolicy, update: AgentUpdates, options: SequentialOptions = {},
): SequentialResult {
  const m = checkMultiAgent(mamdp, "sequentialUpdate");
  checkObject("options", options, "sequentialUpdate: { order, rng, k, logPolicies }");
  checkOptions("options", options, ["order", "rng", "k", "logPolicies"], "sequentialUpdate");
  const updates = checkUpdates(update, m.N, "sequentialUpdate");
  const order = orderDrawer(options.order, options.rng, m.N, "sequentialUpdate")();
  const k = checkK(options.k, "sequentialUpdate");
  const pis = m.validateFactored(policies).map((p) => p.slice());
  const logs = checkLogPolicies(m, options.logPolicies, "sequentialUpdate").slice();
  const eta = [jointEta(m, pis)];
  const steps: AgentStepResult[] = [];
  for (const i of order) {
    const result = agentStep(m, pis, i, updates[i], k, logs[i]);
    pis[i] = Float64Array.from(result.policy);
    logs[i] = result.logPolicy;
    steps.push(result);
    eta.push(jointEta(m, pis));
  }
  return { policies: pis, order, eta, logPolicies: logs, steps };
}

/**
 * One simultaneous move: every agent applies its update to the MDP induced by
 * the OLD policies of the others, then all switch at once. No monotonicity
 * guarantee (see the module comment); for comparison with `sequentialUpdate`.
 */
export function simultaneousUpdate(
  mamdp: MultiAgentMdp, policies: FactoredPolicy, update: AgentUpdates, options: SimultaneousOptions = {},
): SimultaneousResult {
  const m = checkMultiAgent(mamdp, "simultaneousUpdate");
  checkObject("options", options, "simultaneousUpdate: { k, logPolicies }");
  checkOptions("options", options, ["k", "logPolicies"], "simultaneousUpdate");
  const updates = checkUpdates(update, m.N, "simultaneousUpdate");
  const k = checkK(options.k, "simultaneousUpdate");
  const old = m.validateFactored(policies).map((p) => p.slice());
  const logs = checkLogPolicies(m, options.logPolicies, "simultaneousUpdate");
  const before = jointEta(m, old);
  const steps = old.map((_, i) => agentStep(m, old, i, updates[i], k, logs[i]));
  const next = steps.map((r) => Float64Array.from(r.policy));
  return { policies: next, eta: [before, jointEta(m, next)], logPolicies: steps.map((r) => r.logPolicy), steps };
}

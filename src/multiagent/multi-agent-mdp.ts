/**
 * Fully observed cooperative multi-agent MDPs (a team Markov game, Boutilier
 * 1996; the setting of heterogeneous-agent mirror learning, Kuba et al. 2022,
 * and of Li, Clavette & He 2022's multi-agent corollary): N agents
 * see the joint state s, each picks its own action a_i in [0, A_i), the joint
 * action a = (a_0, ..., a_{N-1}) drives one joint TabularMdp (P, R, gamma, mu)
 * and all agents share its reward.
 *
 * Joint action index, agent 0 MOST significant (row-major, like numpy's
 * `ravel_multi_index` in C order):
 *
 *   a = sum_i a_i * stride_i,   stride_{N-1} = 1,   stride_i = A_{i+1} * ... * A_{N-1},
 *
 * so with two agents a = a_0 * A_1 + a_1 and a matrix game's payoff table
 * `payoff[a_0][a_1]` flattened row by row is R(s, .) directly.
 *
 * Factored policies: one flat policy per agent, `pi_i[s*A_i + a_i]`, each
 * conditioned on the joint state. The joint policy they induce is the product
 *
 *   pi(a|s) = prod_i pi_i(a_i|s)                                   (jointPolicy)
 *
 * and a joint policy's marginals are pi_i(a_i|s) = sum_{a_{-i}} pi(a|s)
 * (marginal); a joint policy is a product exactly when it equals the product
 * of its marginals.
 */
import { ValidationError } from "../core/errors.js";
import { type DenseMdpSpec, type SparseMdpSpec, TabularMdp, checkTabularMdp } from "../mdp/tabular-mdp.js";
import { MAX_I32, checkCount, checkObject, checkOptions, checkPolicy, kindOf } from "../core/validate.js";
import { buildInducedMdp } from "./induced.js";

/** One flat policy per agent, `policies[i][s*A_i + a_i]`, i in [0, N). */
export type FactoredPolicy = readonly Float64Array[];

/** A dense joint MDP spec whose joint action count is implied by `actionCounts` (its product). */
export type DenseMultiAgentSpec = Omit<DenseMdpSpec, "A"> & { actionCounts: ArrayLike<number> };
/** A sparse (CSR) joint MDP spec whose joint action count is implied by `actionCounts`. */
export type SparseMultiAgentSpec = Omit<SparseMdpSpec, "A"> & { actionCounts: ArrayLike<number> };

const INTERNAL: unique symbol = Symbol("MultiAgentMdp.internal");

function checkActionCounts(actionCounts: unknown): number[] {
  if (!Array.isArray(actionCounts) && !(ArrayBuffer.isView(actionCounts) && !(actionCounts instanceof DataView))) {
    throw new ValidationError("actionCounts", "must be an array of per-agent action counts", actionCounts);
  }
  const counts = Array.from(actionCounts as ArrayLike<unknown>);
  if (counts.length < 1) throw new ValidationError("actionCounts", "needs at least one agent", counts.length);
  counts.forEach((n, i) => {
    try {
      checkCount("actionCounts", n, "action count");
    } catch {
      throw new ValidationError("actionCounts", "action count must be a positive integer", n, { agent: i });
    }
  });
  const joint = product(counts as number[]);
  if (joint > MAX_I32) {
    throw new ValidationError("actionCounts", "the number of joint actions (their product) must be below 2^31", joint, { agents: counts.length });
  }
  return counts as number[];
}

/** The fields of a multi-agent spec: a TabularMdp spec with `actionCounts` for `A`. */
const SPEC_KEYS = ["S", "A", "P", "rowPtr", "cols", "probs", "R", "gamma", "mu", "actionCounts"] as const;

/** Checks a multi-agent spec's object and keys; `A`, if given, must be the product of `actionCounts`. */
function checkSpec(spec: unknown, where: string): number[] {
  checkObject("spec", spec, `${where}: { S, actionCounts, ... }`);
  checkOptions("spec", spec as object, SPEC_KEYS, where, "field");
  const counts = checkActionCounts((spec as { actionCounts: unknown }).actionCounts);
  const A = (spec as { A?: unknown }).A;
  if (A !== undefined && A !== product(counts)) {
    throw new ValidationError("A", `must equal the product of actionCounts (${product(counts)}), or be left out`, A);
  }
  return counts;
}

function product(counts: readonly number[]): number {
  return counts.reduce((p, n) => p * n, 1);
}

export class MultiAgentMdp {
  /** The joint MDP over joint actions (A = prod_i A_i). */
  readonly joint: TabularMdp;
  /** Number of agents N. */
  readonly N: number;
  /** Per-agent action counts A_i, i in [0, N). */
  readonly actionCounts: readonly number[];
  /** stride_i = A_{i+1} * ... * A_{N-1}: the joint index moves by stride_i when a_i moves by 1. */
  readonly strides: readonly number[];
  /** True when this object built the joint MDP and so frees it on `dispose()`. */
  readonly ownsJoint: boolean;

  /** @internal Use `fromJoint`, `fromDense` or `fromSparse`. */
  constructor(token: typeof INTERNAL, joint: TabularMdp, counts: number[], owns: boolean) {
    if (token !== INTERNAL) throw new TypeError("MultiAgentMdp: use MultiAgentMdp.fromJoint, fromDense or fromSparse");
    this.joint = joint;
    this.N = counts.length;
    this.actionCounts = Object.freeze(counts.slice());
    const strides = new Array<number>(counts.length);
    let stride = 1;
    for (let i = counts.length - 1; i >= 0; i--) {
      strides[i] = stride;
      stride *= counts[i];
    }
    this.strides = Object.freeze(strides);
    this.ownsJoint = owns;
  }

  /**
   * Views `joint` (any TabularMdp, dense or sparse) as an N-agent MDP with
   * per-agent action counts `actionCounts`, whose product must equal joint.A.
   * The joint MDP is shared, not copied: the caller keeps ownership of it.
   */
  static fromJoint(joint: TabularMdp, actionCounts: ArrayLike<number>): MultiAgentMdp {
    checkTabularMdp(joint, "MultiAgentMdp.fromJoint", "joint");
    const counts = checkActionCounts(actionCounts);
    const A = product(counts);
    if (A !== joint.A) {
      throw new ValidationError(
        "actionCounts",
        `product of per-agent action counts must equal the joint MDP's A = ${joint.A}`,
        A,
        { agents: counts.length },
      );
    }
    return new MultiAgentMdp(INTERNAL, joint, counts, false);
  }

  /** Builds the joint MDP from a dense spec (`P[(s*A + a)*S + s']`, A = prod A_i) and owns it. */
  static fromDense(spec: DenseMultiAgentSpec): MultiAgentMdp {
    const counts = checkSpec(spec, "MultiAgentMdp.fromDense");
    const { actionCounts: _, ...rest } = spec;
    const joint = TabularMdp.fromDense({ ...rest, A: product(counts) });
    return new MultiAgentMdp(INTERNAL, joint, counts, true);
  }

  /** Builds the joint MDP from a sparse (CSR) spec over the S*A joint rows and owns it. */
  static fromSparse(spec: SparseMultiAgentSpec): MultiAgentMdp {
    const counts = checkSpec(spec, "MultiAgentMdp.fromSparse");
    const { actionCounts: _, ...rest } = spec;
    const joint = TabularMdp.fromSparse({ ...rest, A: product(counts) });
    return new MultiAgentMdp(INTERNAL, joint, counts, true);
  }

  /** Number of joint states S. */
  get S(): number {
    return this.joint.S;
  }

  /** Number of joint actions A = prod_i A_i. */
  get A(): number {
    return this.joint.A;
  }

  /** Discount gamma of the joint MDP. */
  get gamma(): number {
    return this.joint.gamma;
  }

  /** The joint action index of per-agent actions `actions[i]` in [0, A_i) (agent 0 most significant). */
  encodeAction(actions: ArrayLike<number>): number {
    if (actions === null || typeof actions !== "object" || actions.length !== this.N) {
      throw new ValidationError("actions", `must hold one action per agent (N = ${this.N})`, kindOf(actions));
    }
    let a = 0;
    for (let i = 0; i < this.N; i++) {
      const ai = actions[i];
      if (!Number.isInteger(ai) || ai < 0 || ai >= this.actionCounts[i]) {
        throw new ValidationError("actions", `must be an integer in [0, ${this.actionCounts[i]})`, ai, { agent: i });
      }
      a += ai * this.strides[i];
    }
    return a;
  }

  /** Per-agent actions of joint action `a` in [0, A): a_i = floor(a / stride_i) mod A_i. */
  decodeAction(a: number): number[] {
    if (!Number.isInteger(a) || a < 0 || a >= this.A) {
      throw new ValidationError("action", `joint action must be an integer in [0, ${this.A})`, a);
    }
    return this.strides.map((stride, i) => Math.floor(a / stride) % this.actionCounts[i]);
  }

  /** Checks agent index i in [0, N). */
  checkAgent(agent: unknown, field = "agent"): number {
    if (typeof agent !== "number" || !Number.isInteger(agent) || agent < 0 || agent >= this.N) {
      throw new ValidationError(field, `must be an integer in [0, ${this.N})`, agent);
    }
    return agent;
  }

  /**
   * Checks a factored policy: N flat policies, policies[i] of length S*A_i with
   * rows summing to 1 (within 1e-9). Returns Float64Arrays (the inputs
   * themselves when they already are).
   */
  validateFactored(policies: unknown, field = "policies"): Float64Array[] {
    if (!Array.isArray(policies)) {
      throw new ValidationError(field, `must be an array of ${this.N} per-agent policies`, kindOf(policies));
    }
    if (policies.length !== this.N) {
      throw new ValidationError(field, `must hold one policy per agent (N = ${this.N})`, policies.length);
    }
    return policies.map((p, i) => checkPolicy(`${field}[${i}]`, p as ArrayLike<number>, this.S, this.actionCounts[i]));
  }

  /** The factored uniform policy: pi_i(a_i|s) = 1/A_i for every agent. */
  uniformPolicies(): Float64Array[] {
    return this.actionCounts.map((Ai) => new Float64Array(this.S * Ai).fill(1 / Ai));
  }

  /** The joint policy pi(a|s) = prod_i pi_i(a_i|s) of a factored policy, flat pi[s*A + a]. */
  jointPolicy(policies: FactoredPolicy): Float64Array {
    const pis = this.validateFactored(policies);
    const { S, A, N } = this;
    const out = new Float64Array(S * A);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        let p = 1;
        for (let i = 0; i < N && p !== 0; i++) {
          const Ai = this.actionCounts[i];
          p *= pis[i][s * Ai + (Math.floor(a / this.strides[i]) % Ai)];
        }
        out[s * A + a] = p;
      }
    }
    return out;
  }

  /** Agent i's marginal of a joint policy: pi_i(a_i|s) = sum_{a_{-i}} pi(a|s), flat [s*A_i + a_i]. */
  marginal(joint: ArrayLike<number>, agent: number): Float64Array {
    const i = this.checkAgent(agent);
    const pi = checkPolicy("joint", joint, this.S, this.A);
    return this.marginalUnchecked(pi, i);
  }

  /** Every agent's marginal of a joint policy (a factored policy; its product is pi when pi is a product). */
  marginals(joint: ArrayLike<number>): Float64Array[] {
    const pi = checkPolicy("joint", joint, this.S, this.A);
    return this.actionCounts.map((_, i) => this.marginalUnchecked(pi, i));
  }

  private marginalUnchecked(pi: Float64Array, i: number): Float64Array {
    const { S, A } = this;
    const Ai = this.actionCounts[i];
    const stride = this.strides[i];
    const out = new Float64Array(S * Ai);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) out[s * Ai + (Math.floor(a / stride) % Ai)] += pi[s * A + a];
    }
    return out;
  }

  /**
   * Agent i's induced single-agent MDP with the others fixed at pi_{-i}
   * (the environment agent i faces, stationary while the others do not move):
   *
   *   P_i(s'|s,a_i) = sum_{a_{-i}} pi_{-i}(a_{-i}|s) P(s'|s,a_i,a_{-i}),
   *   R_i(s,a_i)    = sum_{a_{-i}} pi_{-i}(a_{-i}|s) R(s,a_i,a_{-i}),
   *
   * pi_{-i}(a_{-i}|s) = prod_{j != i} pi_j(a_j|s); same gamma and mu, dense
   * when the joint MDP is dense, CSR when it is sparse. Because the joint
   * policy is a product, agent i's policy pi_i on this MDP generates the same
   * state chain and rewards as the joint policy on the joint MDP: V, d and eta
   * coincide, and A_i(s,a_i) = E_{a_{-i}~pi_{-i}}[A(s,a)]. `policies[i]` itself
   * is not read. The caller owns the result (dispose it, or leave it to the GC).
   */
  inducedMdp(policies: FactoredPolicy, agent: number): TabularMdp {
    const i = this.checkAgent(agent);
    const pis = this.validateFactored(policies);
    return buildInducedMdp(this, pis, i);
  }

  /** Frees the joint MDP if this object built it (`fromDense`/`fromSparse`); a shared one is left alone. */
  dispose(): void {
    if (this.ownsJoint) this.joint.dispose();
  }

  toString(): string {
    return `MultiAgentMdp(N=${this.N}, actionCounts=[${this.actionCounts.join(", ")}], ${this.joint})`;
  }
}

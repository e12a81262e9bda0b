/**
 * RiverSwim (Strehl & Littman, "An analysis of model-based interval
 * estimation for Markov decision processes", JCSS 74(8), 2008): a chain of
 * `n` states 0 .. n-1; action 0 swims left (with the current), action 1
 * swims right (against it).
 *
 * - Left: moves to max(s - 1, 0) with probability 1. Taking it in state 0
 *   pays `leftReward`.
 * - Right, interior 0 < s < n-1: s + 1 with `pRight` (0.3), stays with
 *   `pStay` (0.6), s - 1 with 1 - pRight - pStay (0.1).
 * - Right in state 0: 1 with pRight (0.3), stays with 1 - pRight (0.7).
 * - Right in state n-1: stays with pRight (0.3), paying `rightReward` on that
 *   transition, n-2 with 1 - pRight (0.7); so R[n-1][right] = pRight * rightReward.
 *
 * Rewards: the paper pays 5 and 10000; we default to the common scaling
 * leftReward = 0.005, rightReward = 1 (Osband, Russo & Van Roy 2013 use
 * 5/1000 and 1); pass 5 and 10000 for the original. The start state is 0
 * (`mu` overrides it; implementations of the paper's six-state figure also
 * start in states 1 and 2 with probability 1/2 each). The probabilities and
 * rewards above were checked against a public implementation of that figure.
 */
import { ValidationError } from "../../core/errors.js";
import { TabularMdp } from "../tabular-mdp.js";
import { checkAllocation, checkCount, checkGamma, checkObject, checkOptions } from "../../core/validate.js";

export interface RiverSwimOptions {
  /** Number of states, at least 2; default 6. */
  n?: number;
  /** Discount, default 0.95. */
  gamma?: number;
  /** Reward for swimming left in state 0, default 0.005. */
  leftReward?: number;
  /** Reward on the right-swim self-loop of state n-1, default 1. */
  rightReward?: number;
  /** Probability that swimming right advances, default 0.3. */
  pRight?: number;
  /** Probability that swimming right stays in an interior state, default 0.6. */
  pStay?: number;
  /** Initial distribution, default all mass on state 0. */
  mu?: Float64Array | number[];
}

/** Actions of RiverSwim. */
export const RiverSwimAction = Object.freeze({ LEFT: 0, RIGHT: 1 });

const OPTIONS = ["n", "gamma", "leftReward", "rightReward", "pRight", "pStay", "mu"] as const;

/** Builds the RiverSwim chain (see the module comment). Dense, S = n, A = 2. */
export function riverSwim(options: RiverSwimOptions = {}): TabularMdp {
  checkObject("options", options, "riverSwim: { n, gamma, ... }");
  checkOptions("options", options, OPTIONS, "riverSwim");
  const n = checkCount("n", options.n ?? 6, "number of states");
  if (n < 2) throw new ValidationError("n", "RiverSwim needs at least 2 states", n);
  // Dense, A = 2: n*2*n transitions, built here and copied once into WebAssembly memory.
  checkAllocation("n", n, (2 * n * n + 3 * n) * 8, { A: 2 });
  const gamma = checkGamma("gamma", options.gamma ?? 0.95);
  const leftReward = options.leftReward ?? 0.005;
  const rightReward = options.rightReward ?? 1;
  for (const [field, v] of [
    ["leftReward", leftReward],
    ["rightReward", rightReward],
  ] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ValidationError(field, "must be a finite number", v);
  }
  const pRight = options.pRight ?? 0.3;
  const pStay = options.pStay ?? 0.6;
  if (typeof pRight !== "number" || typeof pStay !== "number" || !(pRight >= 0 && pStay >= 0 && pRight + pStay <= 1)) {
    throw new ValidationError("pRight, pStay", "must be probabilities with pRight + pStay <= 1", [pRight, pStay]);
  }
  const pBack = Math.max(0, 1 - pRight - pStay);
  const S = n;
  const A = 2;
  const P = new Float64Array(S * A * S);
  const R = new Float64Array(S * A);
  const at = (s: number, a: number, next: number): number => (s * A + a) * S + next;
  for (let s = 0; s < S; s++) {
    P[at(s, 0, Math.max(s - 1, 0))] = 1;
    if (s === 0) {
      P[at(s, 1, 1)] += pRight;
      P[at(s, 1, 0)] += 1 - pRight;
    } else if (s === S - 1) {
      P[at(s, 1, s)] += pRight;
      P[at(s, 1, s - 1)] += 1 - pRight;
    } else {
      P[at(s, 1, s + 1)] = pRight;
      P[at(s, 1, s)] = pStay;
      P[at(s, 1, s - 1)] = pBack;
    }
  }
  R[0 * A + 0] = leftReward;
  R[(S - 1) * A + 1] = pRight * rightReward;
  let mu: Float64Array | number[] | undefined = options.mu;
  if (mu === undefined) {
    mu = new Float64Array(S);
    mu[0] = 1;
  }
  return TabularMdp.fromDense({ S, A, P, R, gamma, mu });
}

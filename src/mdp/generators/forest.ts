/**
 * pymdptoolbox's forest-management example (`mdptoolbox.example.forest`,
 * same semantics): states 0 .. S-1 are the forest's age classes, S-1 the
 * oldest; action 0 waits, action 1 cuts. Each year a fire (probability p)
 * sends the forest back to state 0.
 *
 * - Wait: s -> 0 with p, s -> min(s + 1, S - 1) with 1 - p.
 * - Cut: s -> 0 with probability 1.
 * - R[s][wait] = r1 in the oldest state, 0 elsewhere;
 *   R[s][cut] = 0 in state 0, r2 in the oldest state, 1 elsewhere.
 *
 * pymdptoolbox stores P as P[a][s][s'] (shape A x S x S); ours is
 * P[(s*A + a)*S + s']. Its argument checks are kept: S > 1, r1 > 0, r2 > 0,
 * p in [0, 1]. pymdptoolbox has no discount in the example; ours defaults to
 * 0.9 (its solvers' usual choice). `mu` is uniform.
 */
import { ValidationError } from "../../core/errors.js";
import { TabularMdp } from "../tabular-mdp.js";
import { checkAllocation, checkCount, checkGamma, checkObject, checkOptions } from "../../core/validate.js";

export interface ForestOptions {
  /** Number of age classes, at least 2; default 3. */
  S?: number;
  /** Reward for waiting in the oldest state, > 0; default 4. */
  r1?: number;
  /** Reward for cutting in the oldest state, > 0; default 2. */
  r2?: number;
  /** Yearly fire probability in [0, 1]; default 0.1. */
  p?: number;
  /** Discount, default 0.9. */
  gamma?: number;
}

/** Actions of the forest example. */
export const ForestAction = Object.freeze({ WAIT: 0, CUT: 1 });

/** Builds pymdptoolbox's forest MDP (see the module comment). Dense, A = 2. */
export function forest(options: ForestOptions = {}): TabularMdp {
  checkObject("options", options, "forest: { S, r1, r2, p, gamma }");
  checkOptions("options", options, ["S", "r1", "r2", "p", "gamma"], "forest");
  const S = checkCount("S", options.S ?? 3, "number of states");
  if (S < 2) throw new ValidationError("S", "the forest needs at least 2 states (as in pymdptoolbox)", S);
  // Dense, A = 2: S*2*S transitions, built here and copied once into WebAssembly memory.
  checkAllocation("S", S, (2 * S * S + 3 * S) * 8, { A: 2 });
  const r1 = options.r1 ?? 4;
  const r2 = options.r2 ?? 2;
  const p = options.p ?? 0.1;
  if (typeof r1 !== "number" || !(r1 > 0 && r1 < Infinity)) throw new ValidationError("r1", "must be a finite number > 0", r1);
  if (typeof r2 !== "number" || !(r2 > 0 && r2 < Infinity)) throw new ValidationError("r2", "must be a finite number > 0", r2);
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new ValidationError("p", "fire probability must be in [0, 1]", p);
  const gamma = checkGamma("gamma", options.gamma ?? 0.9);
  const A = 2;
  const P = new Float64Array(S * A * S);
  const R = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    const wait = (s * A + 0) * S;
    // Same arithmetic as pymdptoolbox: p to state 0, (1 - p) to the next age (the oldest stays).
    P[wait + 0] += p;
    P[wait + Math.min(s + 1, S - 1)] += 1 - p;
    P[(s * A + 1) * S + 0] = 1;
    R[s * A + 1] = 1;
  }
  R[(S - 1) * A + 0] = r1;
  R[0 * A + 1] = 0;
  R[(S - 1) * A + 1] = r2;
  return TabularMdp.fromDense({ S, A, P, R, gamma });
}

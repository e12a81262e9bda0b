/**
 * The value of a policy for policy iteration's evaluation step, on blocks,
 * warm-started from the previous round's values.
 */
import type { Block } from "../core/arena.js";
import { bellmanSweep } from "../mdp/bellman.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { policyValue } from "../evaluation/evaluate.js";

/** Certified accuracy of the extrapolated sweeps: |V - V^pi| <= 1e-12 (1 + ||V||_inf). */
export const POLICY_VALUE_TOLERANCE = 1e-12;
/**
 * Residual tolerance asked of the linear solve: ||r_pi + gamma P_pi V - V||_inf
 * <= 1e-12 (1 + ||V||_inf), so |V - V^pi| <= 1e-12 (1 + ||V||_inf) / (1 - gamma).
 */
const LINEAR_TOLERANCE = 1e-12;
/** Sweeps allowed before the linear solve takes over (a sweep costs one pass over the policy's rows). */
const MAX_SWEEPS = 60;
/** Below this many states the linear solve (LU up to 128 dense states) is cheap and used at once. */
const DIRECT_STATES = 200;

/**
 * V^pi = (I - gamma P_pi)^{-1} r_pi into V, from the warm start already in V.
 *
 * First, Bellman sweeps y = T_pi x with MacQueen's extrapolation (Puterman
 * 1994, section 6.6.3): for any x, with d = T_pi x - x,
 *
 *   T_pi x + gamma/(1-gamma) min d  <=  V^pi  <=  T_pi x + gamma/(1-gamma) max d,
 *
 * so the midpoint of this interval is within gamma/(1-gamma) span(d) / 2 of
 * V^pi: a certified bound. span(d) shrinks like the subdominant eigenvalue of
 * gamma P_pi, not like gamma, so on well-mixing chains a handful of sweeps
 * reach POLICY_VALUE_TOLERANCE. When the observed rate predicts more than
 * MAX_SWEEPS (slow mixing, several closed classes, gamma near 1) or S is
 * small, the linear system is solved by src/evaluation's policyValue
 * (LU or GMRES) from the current iterate. pi: one-hot or any policy block
 * (S*A); V: [0, S) in/out; W: scratch of S values.
 */
export function solvePolicyValue(
  mdp: TabularMdp,
  pi: Block<"f64">,
  V: Block<"f64">,
  W: Block<"f64">,
): { sweeps: number; linearSolve: boolean } {
  const { S, gamma } = mdp;
  if (S <= DIRECT_STATES) {
    linearSolve(mdp, pi, V);
    return { sweeps: 0, linearSolve: true };
  }
  const c = gamma / (1 - gamma);
  let x = V;
  let y = W;
  let previousWidth = Infinity;
  for (let k = 1; k <= MAX_SWEEPS; k++) {
    bellmanSweep(mdp, pi, x, y);
    const xv = x.view;
    const yv = y.view;
    let lo = Infinity;
    let hi = -Infinity;
    for (let s = 0; s < S; s++) {
      const d = yv[s] - xv[s];
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    const shift = (c * (lo + hi)) / 2;
    let norm = 0;
    for (let s = 0; s < S; s++) {
      const v = yv[s] + shift;
      yv[s] = v;
      norm = Math.max(norm, Math.abs(v));
    }
    const width = c * (hi - lo);
    const target = 2 * POLICY_VALUE_TOLERANCE * (1 + norm);
    if (width <= target) {
      if (y !== V) V.view.set(yv);
      return { sweeps: k, linearSolve: false };
    }
    if (k >= 3) {
      const rate = width / previousWidth;
      const more = rate < 1 ? Math.log(target / width) / Math.log(rate) : Infinity;
      if (k + more > MAX_SWEEPS) {
        // The shifted iterate is still a fine start for the solve below.
        if (y !== V) V.view.set(yv);
        linearSolve(mdp, pi, V);
        return { sweeps: k, linearSolve: true };
      }
    }
    previousWidth = width;
    [x, y] = [y, x];
  }
  if (x !== V) V.view.set(x.view);
  linearSolve(mdp, pi, V);
  return { sweeps: MAX_SWEEPS, linearSolve: true };
}

/** V <- (I - gamma P_pi)^{-1} r_pi by src/evaluation's policyValue (LU or GMRES, "auto"), warm-started from V. */
function linearSolve(mdp: TabularMdp, pi: Block<"f64">, V: Block<"f64">): void {
  // Copies, not views: policyValue allocates, and a grown memory detaches views.
  const result = policyValue(mdp, pi.toArray(), { initialValues: V.toArray(), tolerance: LINEAR_TOLERANCE });
  V.view.set(result.V);
}

/**
 * The drift is measured under the drift distribution nu (Kuba, Schroeder de
 * Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of Policy
 * Optimisation", the Mirror Learning update): the step maximises
 *   J(pi) = E_{s~beta} E_{a~pi}[A_old(s,a)] - E_{s~nu} D_old(pi|s),
 * i.e. the per-state drift weight against the surrogate is nu(s)/beta(s).
 * With beta != nu (zeros included) the exact step is checked against a brute
 * force maximiser of J: a fine grid over each state's simplex (all policies,
 * A = 3), over the joint policies of a two-state, two-action MDP (the balls,
 * which couple states), and over the mixing weight (the mixture segment).
 */
import { afterAll, describe, expect, it } from "vitest";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { evaluate } from "../../src/evaluation/evaluate.js";
import { clipDrift, forwardKlDrift, reverseKlDrift, squaredL2Drift, squaredTvDrift, zeroDrift, type Drift } from "../../src/mirror/drifts.js";
import { maxKlBall, meanKlBall, mixtureSegment, tvBall } from "../../src/mirror/neighbourhoods.js";
import { mirrorStep } from "../../src/mirror/step.js";
import { klRow, tvRow } from "../../src/mirror/kernels/kl.twin.js";
import { greedyPolicy } from "../../src/policy/policy.js";
import { chiSquaredDrift, stepObjective } from "../helpers/mirror.js";

const DRIFTS: Drift[] = [zeroDrift(), forwardKlDrift(0.5), reverseKlDrift(1.5), squaredTvDrift(1), squaredL2Drift(0.7), clipDrift(0.2), chiSquaredDrift()];

/** J(p) of one state: beta <p, A_s> - nu D(p | s) (0 x D = 0). */
function stateObjective(p: Float64Array, s: number, A: number, piOld: Float64Array, adv: Float64Array, beta: number, nu: number, drift: Drift): number {
  let g = 0;
  for (let a = 0; a < A; a++) g += p[s * A + a] * adv[s * A + a];
  if (nu === 0) return beta * g;
  const D = drift.value(piOld, p, s, A, adv);
  return beta * g - (D === 0 ? 0 : nu * D);
}

describe("the drift weight is nu/beta: the exact step against brute force (beta != nu)", () => {
  const mdp = garnet({ S: 3, A: 3, branching: 2, seed: 21, gamma: 0.9 });
  const pi = Float64Array.from([0.2, 0.5, 0.3, 0.6, 0.1, 0.3, 0.3, 0.3, 0.4]);
  const ev = evaluate(mdp, pi);
  afterAll(() => mdp.dispose());
  const cases: [string, Float64Array, Float64Array][] = [
    ["beta, nu positive", Float64Array.from([0.6, 0.3, 0.1]), Float64Array.from([0.1, 0.3, 0.6])],
    ["nu(0) = 0 < beta(0)", Float64Array.from([0.5, 0.3, 0.2]), Float64Array.from([0, 0.2, 0.8])],
    ["beta(2) = 0 < nu(2)", Float64Array.from([0.7, 0.3, 0]), Float64Array.from([0.2, 0.2, 0.6])],
  ];

  it.each(cases)("all policies, %s: no point of a 1/300 grid on each simplex scores higher, and the old weighting (beta/nu) is beaten", (_name, beta, nu) => {
    const { S, A } = mdp;
    const n = 300;
    let beatenOld = 0;
    for (const drift of DRIFTS) {
      const r = mirrorStep(mdp, pi, { drift, beta, nu, evaluation: ev });
      expect(Math.abs(r.objective - stepObjective(r, pi, drift, r.policy, S, A))).toBeLessThan(1e-12);
      const p = pi.slice();
      let gridBest = 0;
      for (let s = 0; s < S; s++) {
        // Each state on its own (J separates); the other rows stay at pi_old.
        let best = -Infinity;
        for (let i = 0; i <= n; i++) {
          for (let j = 0; i + j <= n; j++) {
            p[s * A] = i / n;
            p[s * A + 1] = j / n;
            p[s * A + 2] = (n - i - j) / n;
            best = Math.max(best, stateObjective(p, s, A, pi, ev.advantage, beta[s], nu[s], drift));
          }
        }
        p.set(pi.subarray(s * A, s * A + A), s * A);
        gridBest += best;
        const exact = stateObjective(r.policy, s, A, pi, ev.advantage, beta[s], nu[s], drift);
        // The generic solver (the user drift) is exact to its Frank-Wolfe gap.
        expect(exact).toBeGreaterThanOrEqual(best - (drift.kind === "custom" ? 1e-9 : 1e-12));
        expect(exact - best).toBeLessThan(2e-3);
      }
      expect(Math.abs(r.objective - gridBest)).toBeLessThan(5e-3);
      // The weight beta/nu is what swapping beta and nu gives: it scores lower under J.
      const swapped = mirrorStep(mdp, pi, { drift, beta: nu, nu: beta, evaluation: ev });
      if (stepObjective(r, pi, drift, swapped.policy, S, A) < r.objective - 1e-6) beatenOld++;
    }
    expect(beatenOld).toBeGreaterThanOrEqual(4);
  });

  it.each(cases)("mixture segment, %s: the weight is the best of a 1e-4 grid on alpha", (_name, beta, nu) => {
    const { S, A } = mdp;
    const target = greedyPolicy(ev.advantage, S, A);
    for (const drift of DRIFTS) {
      const r = mirrorStep(mdp, pi, { drift, neighbourhood: mixtureSegment(0.9), beta, nu, evaluation: ev });
      const J = (alpha: number): number => stepObjective(r, pi, drift, pi.map((v, i) => (1 - alpha) * v + alpha * target[i]), S, A);
      let best = -Infinity;
      for (let k = 0; k <= 9000; k++) best = Math.max(best, J((0.9 * k) / 9000));
      expect(Math.abs(r.objective - J(r.alpha!))).toBeLessThan(1e-12);
      expect(r.objective).toBeGreaterThanOrEqual(best - 1e-12);
      expect(r.objective - best).toBeLessThan(1e-6);
    }
  });
});

describe("the balls with beta != nu: brute force over the joint policies of a 2-state, 2-action MDP", () => {
  const mdp = garnet({ S: 2, A: 2, branching: 2, seed: 8, gamma: 0.9 });
  const pi = Float64Array.from([0.4, 0.6, 0.7, 0.3]);
  const ev = evaluate(mdp, pi);
  afterAll(() => mdp.dispose());
  const beta = Float64Array.from([0.8, 0.2]);
  const nu = Float64Array.from([0.25, 0.75]);
  const n = 1000;

  const balls: [string, () => ReturnType<typeof meanKlBall> | ReturnType<typeof maxKlBall> | ReturnType<typeof tvBall>, (p: Float64Array) => number, number, Drift[]][] = [
    ["mean KL (weights d_old)", () => meanKlBall(0.02), (p) => ev.d[0] * klRow(pi, p, 0, 2) + ev.d[1] * klRow(pi, p, 1, 2), 0.02, [zeroDrift(), forwardKlDrift(0.5), reverseKlDrift(1.5), squaredL2Drift(0.7)]],
    ["max KL", () => maxKlBall(0.02), (p) => Math.max(klRow(pi, p, 0, 2), klRow(pi, p, 1, 2)), 0.02, [zeroDrift(), forwardKlDrift(0.5), squaredL2Drift(0.7)]],
    ["max TV", () => tvBall(0.1), (p) => Math.max(tvRow(p, pi, 0, 2), tvRow(p, pi, 1, 2)), 0.1, [zeroDrift(), squaredTvDrift(3)]],
  ];

  it.each(balls)("%s: feasible, and no feasible point of a 1/1000 grid scores higher", (_name, ball, measure, delta, drifts) => {
    const p = new Float64Array(4);
    for (const drift of drifts) {
      const r = mirrorStep(mdp, pi, { drift, neighbourhood: ball(), beta, nu, evaluation: ev });
      expect(measure(r.policy)).toBeLessThanOrEqual(delta * (1 + 1e-9));
      let best = -Infinity;
      for (let i = 0; i <= n; i++) {
        for (let j = 0; j <= n; j++) {
          p[0] = i / n;
          p[1] = 1 - i / n;
          p[2] = j / n;
          p[3] = 1 - j / n;
          if (measure(p) > delta) continue;
          best = Math.max(best, stepObjective(r, pi, drift, p, 2, 2));
        }
      }
      const exact = stepObjective(r, pi, drift, r.policy, 2, 2);
      expect(Math.abs(r.objective - exact)).toBeLessThan(1e-12);
      // The generic solver inside the multiplier search is exact to about 1e-9.
      expect(exact).toBeGreaterThanOrEqual(best - (r.solver === "generic" ? 1e-8 : 1e-12));
      expect(exact - best).toBeLessThan(1e-3);
    }
  });
});

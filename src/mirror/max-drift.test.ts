/**
 * The drift distribution "max" (max-drift.ts): the step maximises
 * sum_s beta(s) <pi_s, A_s> - max_s D_old(pi_s | s). Checked against a brute-force
 * search over the radius of the max-KL ball, against random policies, through
 * its saddle point (the fixed-nu step under the reported nu* is the same
 * step), and the exact path against the generic one.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { testRng } from "../../test/helpers/lengths.js";
import { chiSquaredDrift, randomPolicy, randomRow, smallGarnet } from "../../test/helpers/mirror.js";
import { maxDiff } from "../../test/helpers/algorithms.js";
import { evaluate } from "../evaluation/evaluate.js";
import { deterministicPolicy } from "../policy/policy.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { type Drift, forwardKlDrift, reverseKlDrift, squaredL2Drift, zeroDrift } from "./drifts.js";
import { allPolicies, maxKlBall, meanKlBall, mixtureSegment, tvBall } from "./neighbourhoods.js";
import { goldenSectionMax } from "./search.js";
import { mirrorStep } from "./step.js";
import { klRow } from "./kernels/kl.twin.js";

const rng = testRng(2024);

/** sum_s beta(s) <p_s, A_s> - max_s D(p_s | s), written out. */
function maxObjective(beta: Float64Array, adv: Float64Array, pi: Float64Array, drift: Drift, p: Float64Array, S: number, A: number): number {
  let gain = 0;
  let worst = 0;
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) gain += beta[s] * p[s * A + a] * adv[s * A + a];
    worst = Math.max(worst, drift.value(pi, p, s, A, adv));
  }
  return gain - worst;
}

/** Random policies: simplex points, and pi_old moved part of the way towards them. */
function randomPoints(pi: Float64Array, S: number, A: number, n: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const q = new Float64Array(S * A);
    for (let s = 0; s < S; s++) q.set(randomRow(rng, A), s * A);
    const t = k % 2 === 0 ? 1 : 10 ** (-4 * rng());
    out.push(pi.map((v, i) => v + t * (q[i] - v)));
  }
  return out;
}

describe('nu = "max": TRL with C KL_max(pi_old, pi)', () => {
  it("the objective equals a brute-force search over the max-KL ball's radius", () => {
    for (let trial = 0; trial < 6; trial++) {
      const mdp = smallGarnet(700 + trial, 6, 2 + (trial % 3));
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, trial % 2 ? 0.3 : 0);
      const C = [0.02, 0.3, 3][trial % 3];
      const r = mirrorStep(mdp, pi, { drift: forwardKlDrift(C), nu: "max" });
      const { advantage: adv, d } = r.evaluation;
      const F = maxObjective(d, adv, pi, forwardKlDrift(C), r.policy, S, A);
      expect(Math.abs(r.objective - F)).toBeLessThan(1e-12);
      // phi(r) = v(r) - C r with v(r) the surrogate of the max-KL ball of radius r (concave in r).
      const phi = (x: number): number => {
        const b = mirrorStep(mdp, pi, { neighbourhood: maxKlBall(10 ** x), evaluation: r.evaluation });
        return maxObjective(d, adv, pi, forwardKlDrift(C), b.policy, S, A);
      };
      let grid = -Infinity;
      let at = 0;
      for (let j = 0; j <= 120; j++) {
        const x = -9 + (12 * j) / 120;
        const v = phi(x);
        if (v > grid) [grid, at] = [v, x];
      }
      const x = goldenSectionMax(phi, at - 0.1, at + 0.1, 1e-10);
      const brute = Math.max(grid, phi(x));
      expect(brute).toBeLessThanOrEqual(F + 1e-12);
      expect(F - brute).toBeLessThan(1e-9);
      mdp.dispose();
    }
  });

  it("sum_s beta(s) m_s = C at the chosen radius, every updated state ends on it, and nu* gives the same step", () => {
    for (let trial = 0; trial < 5; trial++) {
      const mdp = smallGarnet(800 + trial, 8, 4);
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, 0.2);
      const C = [0.01, 0.1, 1, 5, 0.5][trial];
      const r = mirrorStep(mdp, pi, { drift: forwardKlDrift(C), nu: "max" });
      expect(r.solver).toBe("exact");
      const d = r.evaluation.d;
      let total = 0;
      for (let s = 0; s < S; s++) total += d[s] * r.multipliers![s];
      expect(Math.abs(total - C) / C).toBeLessThan(1e-12);
      expect(Math.abs(r.multiplier! - C) / C).toBeLessThan(1e-12);
      const kls = Array.from({ length: S }, (_, s) => klRow(pi, r.policy, s, A));
      const radius = Math.max(...kls);
      expect(Math.abs(r.drift - C * radius)).toBeLessThan(1e-14 * (1 + r.drift));
      for (let s = 0; s < S; s++) if (r.multipliers![s] > 0) expect(Math.abs(kls[s] - radius) / radius).toBeLessThan(1e-12);
      // nu* is a distribution proportional to beta(s) m_s, and the fixed-nu step under it is the same policy.
      expect(r.nu.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      for (let s = 0; s < S; s++) expect(r.nu[s]).toBeCloseTo((d[s] * r.multipliers![s]) / total, 14);
      const fixed = mirrorStep(mdp, pi, { drift: forwardKlDrift(C), nu: r.nu, evaluation: r.evaluation });
      expect(maxDiff(fixed.policy, r.policy)).toBeLessThan(1e-12);
      for (let s = 0; s < S; s++) expect(r.weights[s]).toBeCloseTo(r.nu[s] / d[s], 10);
      mdp.dispose();
    }
  });

  it("no random policy beats it", () => {
    for (let trial = 0; trial < 4; trial++) {
      const mdp = smallGarnet(900 + trial, 5, 3);
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, 0.2);
      const drift = forwardKlDrift([0.05, 0.5, 2, 10][trial]);
      const r = mirrorStep(mdp, pi, { drift, nu: "max" });
      const best = maxObjective(r.beta, r.evaluation.advantage, pi, drift, r.policy, S, A);
      let worst = -Infinity;
      for (const p of randomPoints(pi, S, A, 2000)) worst = Math.max(worst, maxObjective(r.beta, r.evaluation.advantage, pi, drift, p, S, A) - best);
      expect(worst).toBeLessThanOrEqual(1e-12);
      mdp.dispose();
    }
  });

  it("states with beta(s) = 0 keep pi_old; a state already optimal within its support is kept when its outside gain is below C", () => {
    const mdp = smallGarnet(950, 6, 3);
    const { S, A } = mdp;
    const pi = randomPolicy(rng, S, A, 0);
    const beta = new Float64Array([0.5, 0, 0.25, 0, 0.25, 0]);
    const r = mirrorStep(mdp, pi, { drift: forwardKlDrift(0.2), beta, nu: "max" });
    for (const s of [1, 3, 5]) {
      expect(Array.from(r.policy.subarray(s * A, s * A + A))).toEqual(Array.from(pi.subarray(s * A, s * A + A)));
      expect(r.nu[s]).toBe(0);
    }
    // The optimal deterministic policy: every advantage <= 0, nothing to gain, pi_old kept exactly.
    const opt = deterministicPolicy(policyIteration(mdp).actions, A);
    const k = mirrorStep(mdp, opt, { drift: forwardKlDrift(0.2), nu: "max" });
    expect(Array.from(k.policy)).toEqual(Array.from(opt));
    // A deterministic policy: constant advantage on its support, so the slope at radius 0 is
    // g0 = sum_s d(s) max(0, max_a A(s,a)), finite. C >= g0 keeps it; C < g0 moves it.
    const det = deterministicPolicy(new Array(S).fill(0), A);
    const ev = evaluate(mdp, det);
    let g0 = 0;
    for (let s = 0; s < S; s++) g0 += ev.d[s] * Math.max(0, ...Array.from(ev.advantage.subarray(s * A, s * A + A)));
    expect(g0).toBeGreaterThan(0);
    const kept = mirrorStep(mdp, det, { drift: forwardKlDrift(1.01 * g0), nu: "max", evaluation: ev });
    expect(Array.from(kept.policy)).toEqual(Array.from(det));
    expect(kept.nu.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const moved = mirrorStep(mdp, det, { drift: forwardKlDrift(0.5 * g0), nu: "max", evaluation: ev });
    expect(moved.objective).toBeGreaterThan(0);
    expect(Math.abs(moved.multiplier! - 0.5 * g0) / g0).toBeLessThan(1e-12);
    mdp.dispose();
  });

  it("the generic path (nested searches over mirror ascent) agrees with the exact one", () => {
    const mdp = smallGarnet(960, 4, 3);
    const { S, A } = mdp;
    const pi = randomPolicy(rng, S, A, 0);
    for (const C of [0.05, 1]) {
      const drift = forwardKlDrift(C);
      const r = mirrorStep(mdp, pi, { drift, nu: "max" });
      const g = mirrorStep(mdp, pi, { drift, nu: "max", solver: "generic", evaluation: r.evaluation });
      expect(g.solver).toBe("generic");
      expect(maxDiff(g.policy, r.policy)).toBeLessThan(1e-6);
      expect(g.objective).toBeLessThanOrEqual(r.objective + 1e-12);
      expect(r.objective - g.objective).toBeLessThan(1e-9);
      expect(maxDiff(g.nu, r.nu)).toBeLessThan(1e-5);
    }
    mdp.dispose();
  });

  it("other drifts (generic path): not beaten by random policies, and the fixed-nu step under nu* agrees", () => {
    const mdp = smallGarnet(970, 4, 3);
    const { S, A } = mdp;
    const pi = randomPolicy(rng, S, A, 0);
    for (const drift of [squaredL2Drift(0.8), reverseKlDrift(3), chiSquaredDrift()]) {
      const r = mirrorStep(mdp, pi, { drift, nu: "max" });
      expect(r.solver).toBe("generic");
      const best = maxObjective(r.beta, r.evaluation.advantage, pi, drift, r.policy, S, A);
      expect(Math.abs(best - r.objective)).toBeLessThan(1e-12);
      let worst = -Infinity;
      for (const p of randomPoints(pi, S, A, 1500)) worst = Math.max(worst, maxObjective(r.beta, r.evaluation.advantage, pi, drift, p, S, A) - best);
      expect(worst).toBeLessThanOrEqual(1e-9);
      const fixed = mirrorStep(mdp, pi, { drift, nu: r.nu, evaluation: r.evaluation, solver: "generic" });
      expect(maxDiff(fixed.policy, r.policy)).toBeLessThan(1e-5);
    }
    // A zero drift: max_s 0 = 0, the greedy step.
    const z = mirrorStep(mdp, pi, { drift: zeroDrift(), nu: "max" });
    expect(Array.from(z.policy)).toEqual(Array.from(mirrorStep(mdp, pi, { evaluation: z.evaluation }).policy));
    mdp.dispose();
  });

  it('rejects nu "max" outside all policies, and "max" as beta', () => {
    const mdp = smallGarnet(980, 4, 3);
    const pi = randomPolicy(rng, 4, 3, 0);
    const ev = evaluate(mdp, pi);
    for (const neighbourhood of [meanKlBall(0.1), maxKlBall(0.1), tvBall(0.1), mixtureSegment(0.5)]) {
      expect(() => mirrorStep(mdp, pi, { drift: forwardKlDrift(1), neighbourhood, nu: "max", evaluation: ev })).toThrow(/nu.*allPolicies/);
    }
    expect(() => mirrorStep(mdp, pi, { drift: forwardKlDrift(1), nu: "worst" as never, evaluation: ev })).toThrow(/nu.*"max"/);
    expect(() => mirrorStep(mdp, pi, { drift: forwardKlDrift(1), beta: "max" as never, evaluation: ev })).toThrow(ValidationError);
    expect(mirrorStep(mdp, pi, { drift: forwardKlDrift(1), neighbourhood: allPolicies(), nu: "max", evaluation: ev }).solver).toBe("exact");
    mdp.dispose();
  });
});

/**
 * The neighbourhoods' exact solvers (KL and TV balls, CPI's mixture segment):
 * tight constraints, not beaten by random feasible points nor by the generic
 * solver.
 */
import { describe, expect, it } from "vitest";
import { testRng } from "../../test/helpers/lengths.js";
import { randomPolicy, randomRow as randomRowOf, smallGarnet, stepObjective as objective } from "../../test/helpers/mirror.js";
import { greedyPolicy } from "../policy/policy.js";
import { clipDrift, forwardKlDrift, reverseKlDrift, squaredL2Drift, squaredTvDrift, zeroDrift } from "./drifts.js";
import { mirrorStep } from "./step.js";
import { maxKlBall, meanKlBall, mixtureSegment, tvBall } from "./neighbourhoods.js";
import { klRow, tvRow } from "./kernels/kl.twin.js";

const rng = testRng(98);
const randomRow = (A: number): Float64Array => randomRowOf(rng, A);

/** Random points of a ball: pi_old moved towards random policies as far as the constraint allows (bisection). */
function ballPoints(pi: Float64Array, S: number, A: number, inside: (p: Float64Array) => boolean, n: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const q = new Float64Array(S * A);
    for (let s = 0; s < S; s++) q.set(randomRow(A), s * A);
    let lo = 0;
    let hi = 1;
    const at = (t: number): Float64Array => pi.map((v, i) => v + t * (q[i] - v));
    if (!inside(at(1))) {
      for (let it = 0; it < 50; it++) {
        const mid = 0.5 * (lo + hi);
        if (inside(at(mid))) lo = mid;
        else hi = mid;
      }
    } else lo = 1;
    out.push(at(lo * (k % 3 === 0 ? rng() : 1)));
  }
  return out;
}

describe("KL and TV balls: tight constraints, not beaten by feasible points or the generic solver", () => {
  it("mean-KL ball (TRPO), zero and forward-KL drifts", () => {
    for (let trial = 0; trial < 4; trial++) {
      const mdp = smallGarnet(300 + trial);
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, 0.2);
      const delta = [0.01, 0.1, 1e-4, 0.03][trial];
      const drift = trial % 2 ? forwardKlDrift(0.2) : zeroDrift();
      const r = mirrorStep(mdp, pi, { neighbourhood: meanKlBall(delta), drift });
      const d = r.evaluation.d;
      const meanKl = (p: Float64Array): number => {
        let t = 0;
        for (let s = 0; s < S; s++) if (d[s] > 0) t += d[s] * klRow(pi, p, s, A);
        return t;
      };
      expect(Math.abs(meanKl(r.policy) - delta) / delta).toBeLessThan(1e-12);
      expect(Math.abs(r.constraint! - delta) / delta).toBeLessThan(1e-12);
      const best = objective(r, pi, drift, r.policy, S, A);
      let worst = -Infinity;
      for (const p of ballPoints(pi, S, A, (p) => meanKl(p) <= delta, 1000)) worst = Math.max(worst, objective(r, pi, drift, p, S, A) - best);
      expect(worst).toBeLessThanOrEqual(1e-9);
      const g = mirrorStep(mdp, pi, { neighbourhood: meanKlBall(delta), drift, solver: "generic", evaluation: r.evaluation });
      expect(meanKl(g.policy)).toBeLessThanOrEqual(delta * (1 + 1e-6));
      expect(objective(r, pi, drift, g.policy, S, A)).toBeLessThanOrEqual(best + 1e-9);
      expect(best - objective(r, pi, drift, g.policy, S, A)).toBeLessThan(1e-6);
      mdp.dispose();
    }
  });

  it("reverse mean-KL ball E_{d_old} KL(pi || pi_old) <= delta: zero and reverse-KL drifts exact, others generic", () => {
    for (let trial = 0; trial < 6; trial++) {
      const mdp = smallGarnet(350 + trial);
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, 0.2);
      const delta = [0.01, 0.1, 1e-4, 0.03, 0.05, 0.02][trial];
      const drift = [zeroDrift(), reverseKlDrift(50), zeroDrift(), reverseKlDrift(20), forwardKlDrift(0.3), squaredL2Drift(0.5)][trial];
      const ball = meanKlBall(delta, { direction: "reverse" });
      expect(ball.direction).toBe("reverse");
      const r = mirrorStep(mdp, pi, { neighbourhood: ball, drift });
      expect(r.solver).toBe(trial < 4 ? "exact" : "generic");
      const d = r.evaluation.d;
      const meanKl = (p: Float64Array): number => {
        let t = 0;
        for (let s = 0; s < S; s++) if (d[s] > 0) t += d[s] * klRow(p, pi, s, A);
        return t;
      };
      const tight = trial < 4 ? 1e-12 : 1e-8;
      expect(Math.abs(meanKl(r.policy) - delta) / delta).toBeLessThan(tight);
      expect(Math.abs(r.constraint! - delta) / delta).toBeLessThan(tight);
      expect(r.multiplier!).toBeGreaterThan(0);
      // The exponential form with the penalties added: log(p / pi_old) - A / (c + lambda) is constant on pi_old's support.
      if (trial < 4) {
        const c = drift.coefficient + r.multiplier!;
        for (let s = 0; s < S; s++) {
          const logs: number[] = [];
          for (let a = 0; a < A; a++) {
            const i = s * A + a;
            if (pi[i] > 0) logs.push(Math.log(r.policy[i] / pi[i]) - r.evaluation.advantage[i] / c);
            else expect(r.policy[i]).toBe(0);
          }
          for (const l of logs) expect(Math.abs(l - logs[0])).toBeLessThan(1e-9);
        }
      }
      const best = objective(r, pi, drift, r.policy, S, A);
      let worst = -Infinity;
      for (const p of ballPoints(pi, S, A, (p) => meanKl(p) <= delta, 1000)) worst = Math.max(worst, objective(r, pi, drift, p, S, A) - best);
      expect(worst).toBeLessThanOrEqual(trial < 4 ? 1e-12 : 1e-9);
      const g = mirrorStep(mdp, pi, { neighbourhood: ball, drift, solver: "generic", evaluation: r.evaluation });
      expect(meanKl(g.policy)).toBeLessThanOrEqual(delta * (1 + 1e-6));
      expect(objective(r, pi, drift, g.policy, S, A)).toBeLessThanOrEqual(best + 1e-9);
      expect(best - objective(r, pi, drift, g.policy, S, A)).toBeLessThan(1e-6);
      mdp.dispose();
    }
  });

  it("reverse mean-KL ball: a budget larger than the greedy step within the support needs no multiplier; the forms of the option", () => {
    const mdp = smallGarnet(360);
    const { S, A } = mdp;
    const pi = randomPolicy(rng, S, A, 0.3);
    const r = mirrorStep(mdp, pi, { neighbourhood: meanKlBall(50, { direction: "reverse" }) });
    expect(r.multiplier).toBe(0);
    const adv = r.evaluation.advantage;
    for (let s = 0; s < S; s++) {
      let best = -Infinity;
      for (let a = 0; a < A; a++) if (pi[s * A + a] > 0) best = Math.max(best, adv[s * A + a]);
      for (let a = 0; a < A; a++) if (r.policy[s * A + a] > 0) expect(adv[s * A + a]).toBe(best);
    }
    expect(meanKlBall(0.1).direction).toBe("forward");
    expect(meanKlBall(0.1, { weights: "uniform" }).weights).toBe("uniform");
    expect(mirrorStep(mdp, pi, { neighbourhood: { kind: "meanKl", delta: 0.05, direction: "reverse" } as never, evaluation: r.evaluation }).constraint).toBeCloseTo(0.05, 12);
    expect(() => meanKlBall(0.1, { direction: "backward" } as never)).toThrow(/direction/);
    expect(() => meanKlBall(0.1, { directon: "reverse" } as never)).toThrow(/did you mean "direction"/);
    expect(() => mirrorStep(mdp, pi, { neighbourhood: { kind: "meanKl", delta: 0.05, direction: 1 } as never, evaluation: r.evaluation })).toThrow(/neighbourhood\.direction/);
    mdp.dispose();
  });

  it("max-KL ball: every binding state tight, exact beats generic and random feasible points", () => {
    const mdp = smallGarnet(400);
    const { S, A } = mdp;
    const pi = randomPolicy(rng, S, A, 0.2);
    const delta = 0.02;
    const r = mirrorStep(mdp, pi, { neighbourhood: maxKlBall(delta) });
    for (let s = 0; s < S; s++) {
      const kl = klRow(pi, r.policy, s, A);
      if (r.multipliers![s] > 0) expect(Math.abs(kl - delta) / delta).toBeLessThan(1e-12);
      expect(kl).toBeLessThanOrEqual(delta * (1 + 1e-13));
    }
    const drift = zeroDrift();
    const best = objective(r, pi, drift, r.policy, S, A);
    const maxKl = (p: Float64Array): number => Math.max(...Array.from({ length: S }, (_, s) => klRow(pi, p, s, A)));
    let worst = -Infinity;
    for (const p of ballPoints(pi, S, A, (p) => maxKl(p) <= delta, 1000)) worst = Math.max(worst, objective(r, pi, drift, p, S, A) - best);
    expect(worst).toBeLessThanOrEqual(1e-9);
    const g = mirrorStep(mdp, pi, { neighbourhood: maxKlBall(delta), solver: "generic", evaluation: r.evaluation });
    expect(objective(r, pi, drift, g.policy, S, A)).toBeLessThanOrEqual(best + 1e-9);
    mdp.dispose();
  });

  it("TV ball, zero and squared-TV drifts", () => {
    for (const drift of [zeroDrift(), squaredTvDrift(2)]) {
      const mdp = smallGarnet(500);
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, 0.2);
      const delta = 0.15;
      const r = mirrorStep(mdp, pi, { neighbourhood: tvBall(delta), drift });
      const maxTv = (p: Float64Array): number => Math.max(...Array.from({ length: S }, (_, s) => tvRow(p, pi, s, A)));
      expect(maxTv(r.policy)).toBeLessThanOrEqual(delta + 1e-15);
      const best = objective(r, pi, drift, r.policy, S, A);
      let worst = -Infinity;
      for (const p of ballPoints(pi, S, A, (p) => maxTv(p) <= delta, 1000)) worst = Math.max(worst, objective(r, pi, drift, p, S, A) - best);
      expect(worst).toBeLessThanOrEqual(1e-9);
      mdp.dispose();
    }
  });

  it("CPI segment: the mixing weight is the best on a fine grid of alpha", () => {
    for (const drift of [zeroDrift(), forwardKlDrift(1), squaredTvDrift(3), clipDrift(0.1)]) {
      const mdp = smallGarnet(600);
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, drift.kind === "forwardKl" ? 0 : 0.2);
      const r = mirrorStep(mdp, pi, { neighbourhood: mixtureSegment(0.8), drift });
      const target = greedyPolicy(r.evaluation.advantage, S, A);
      const best = objective(r, pi, drift, r.policy, S, A);
      let worst = -Infinity;
      for (let k = 0; k <= 1000; k++) {
        const alpha = (0.8 * k) / 1000;
        worst = Math.max(worst, objective(r, pi, drift, pi.map((v, i) => (1 - alpha) * v + alpha * target[i]), S, A) - best);
      }
      expect(worst).toBeLessThanOrEqual(1e-9);
      expect(r.alpha!).toBeGreaterThanOrEqual(0);
      expect(r.alpha!).toBeLessThanOrEqual(0.8);
      mdp.dispose();
    }
  });
});

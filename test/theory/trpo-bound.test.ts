/**
 * Schulman et al.'s TRPO bound (2015, "Trust Region Policy Optimization",
 * Theorem 1: |eta(pi') - L_pi(pi')| <= 4 eps gamma / (1-gamma)^2 TV_max^2
 * <= 4 eps gamma / (1-gamma)^2 KL_max(pi, pi')) beside Li, Clavette & He's
 * (2022) on the same random garnets and policy pairs, near and far, and its
 * ingredients recomputed by hand.
 */
import { describe, expect, it } from "vitest";
import { analytical, npg, trl, trpo } from "../../src/instances/index.js";
import { evaluate } from "../../src/evaluation/evaluate.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { surrogateBound } from "../../src/theory/surrogate-bound.js";
import { trpoBound } from "../../src/theory/trpo-bound.js";
import { Rng } from "../../src/core/rng.js";
import { ValidationError } from "../../src/core/errors.js";
import { garnetCases, randomSimplexPolicy, randomSoftmaxPolicy } from "./garnets.js";

/** Near and far partners of pi: random policies, small mixtures, and the instances' own steps. */
function partners(mdp: Parameters<typeof trpoBound>[0], pi: Float64Array, rng: Rng): Float64Array[] {
  const { S, A } = mdp;
  const far = randomSimplexPolicy(rng, S, A);
  return [
    randomSoftmaxPolicy(rng, S, A, 0.3),
    randomSoftmaxPolicy(rng, S, A, 3),
    far,
    pi.map((v, i) => 0.99 * v + 0.01 * far[i]),
    pi.map((v, i) => 0.9 * v + 0.1 * far[i]),
    npg({ stepSize: 0.1 }).step(mdp, pi).policy,
    npg({ stepSize: 10 }).step(mdp, pi).policy,
    analytical({ belowHalf: "clamp" }).step(mdp, pi).policy,
    trpo({ delta: 0.01 }).step(mdp, pi).policy,
    trl({ C: 0.1, penalty: "max" }).step(mdp, pi).policy,
  ];
}

describe("Schulman et al.'s bound eta(pi') >= L_pi(pi') - C KL_max(pi, pi') (40 garnets, 10 pairs each)", () => {
  it("holds in both directions, through its TV form, for every pair; Li et al.'s holds on the same pairs", () => {
    let pairs = 0;
    let tightest = 0;
    for (const { mdp, S, A, rng } of garnetCases(40, 21)) {
      const pi = randomSoftmaxPolicy(rng, S, A, 1);
      for (const piNew of partners(mdp, pi, rng)) {
        const b = trpoBound(mdp, piNew, pi);
        const tol = 1e-12 * (1 + Math.abs(b.J));
        expect(b.applies).toBe(true);
        expect(b.error).toBeLessThanOrEqual(b.tvBound + tol);
        expect(b.tvBound).toBeLessThanOrEqual(b.bound + tol);
        expect(b.J).toBeGreaterThanOrEqual(b.L - b.bound - tol);
        const li = surrogateBound(mdp, piNew, pi);
        expect(li.L).toBe(b.L);
        expect(li.error).toBeLessThanOrEqual(li.bound + tol);
        if (b.tvBound > 0) tightest = Math.max(tightest, b.error / b.tvBound);
        pairs++;
      }
    }
    expect(pairs).toBe(400);
    expect(tightest).toBeGreaterThan(1e-3);
  });

  it("also below gamma = 0.5 (outside Li et al.'s range), and exactly L = J at gamma = 0", () => {
    for (const gamma of [0, 0.2, 0.45]) {
      const mdp = garnet({ S: 12, A: 3, branching: 3, gamma, seed: 5 + Math.round(10 * gamma), format: "dense" });
      const rng = new Rng(3);
      const pi = randomSoftmaxPolicy(rng, 12, 3, 1);
      for (const piNew of partners(mdp, pi, rng)) {
        const b = trpoBound(mdp, piNew, pi);
        expect(b.error).toBeLessThanOrEqual(b.tvBound + 1e-12 * (1 + Math.abs(b.J)));
        if (gamma === 0) {
          expect(b.C).toBe(0);
          expect(b.error).toBeLessThan(1e-14 * (1 + Math.abs(b.J)));
        }
      }
      mdp.dispose();
    }
  });

  it("its ingredients: C = 4 eps gamma/(1-gamma)^2, KL_max with the old policy first, TV_max, L = eta + E_{d_pi}[A]/(1-gamma)", () => {
    for (const { mdp, S, A, gamma, rng } of garnetCases(6, 22)) {
      const pi = randomSoftmaxPolicy(rng, S, A, 1);
      const piNew = randomSoftmaxPolicy(rng, S, A, 1);
      const old = evaluate(mdp, pi);
      const b = trpoBound(mdp, piNew, pi);
      let eps = 0;
      let gain = 0;
      let klMax = 0;
      let tvMax = 0;
      for (let s = 0; s < S; s++) {
        let kl = 0;
        let tv = 0;
        for (let a = 0; a < A; a++) {
          const i = s * A + a;
          eps = Math.max(eps, Math.abs(old.advantage[i]));
          gain += old.d[s] * piNew[i] * old.advantage[i];
          kl += pi[i] * Math.log(pi[i] / piNew[i]);
          tv += 0.5 * Math.abs(pi[i] - piNew[i]);
        }
        klMax = Math.max(klMax, kl);
        tvMax = Math.max(tvMax, tv);
      }
      expect(b.epsilon).toBe(eps);
      expect(b.C).toBeCloseTo((4 * eps * gamma) / (1 - gamma) ** 2, 10);
      expect(b.maxKl).toBeCloseTo(klMax, 12);
      expect(b.maxTv).toBeCloseTo(tvMax, 14);
      expect(b.L).toBeCloseTo(old.eta + gain / (1 - gamma), 10);
      expect(b.bound).toBeCloseTo(b.C * klMax, 8);
      expect(b.tvBound).toBeCloseTo(b.C * tvMax ** 2, 8);
      const same = trpoBound(mdp, pi, pi);
      expect(same.bound).toBe(0);
      expect(same.error).toBeLessThan(1e-12 * (1 + Math.abs(old.eta)));
    }
  });

  it("rejects policies of the wrong shape, as surrogateBound does", () => {
    const mdp = garnet({ S: 4, A: 2, branching: 2, seed: 1 });
    const pi = new Float64Array(8).fill(0.5);
    expect(() => trpoBound(mdp, new Float64Array(6).fill(0.5), pi)).toThrow(ValidationError);
    expect(() => trpoBound(mdp, pi, new Float64Array(8).fill(0.4))).toThrow(/piOld/);
    expect(() => surrogateBound(mdp, new Float64Array(8).fill(0.4), pi)).toThrow(/piNew/);
    mdp.dispose();
  });
});

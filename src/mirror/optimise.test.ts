import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { gpi, npg, trpo, type Update } from "../instances/index.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { uniformPolicy } from "../policy/policy.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { optimise } from "./optimise.js";

describe("optimise", () => {
  const mdp = garnet({ S: 20, A: 3, branching: 4, gamma: 0.9, seed: 15 });
  const { S, A } = mdp;
  const star = policyIteration(mdp);
  let etaStar = 0;
  for (let s = 0; s < S; s++) etaStar += mdp.mu[s] * star.V[s];

  it("records eta, gap, KL, improvement and time with the documented lengths and meanings", () => {
    const r = optimise(mdp, trpo({ delta: 0.02 }), { iterations: 6 });
    const h = r.history;
    expect(r.iterations).toBe(6);
    expect(r.stopped).toBe("iterations");
    expect(h.eta).toHaveLength(7);
    expect(h.gap).toHaveLength(7);
    for (const key of ["kl", "improvement", "time"] as const) expect(h[key]).toHaveLength(6);
    expect(h.eta[0]).toBeCloseTo(evaluate(mdp, uniformPolicy(S, A)).eta, 12);
    expect(r.optimum).toBeCloseTo(etaStar, 12);
    for (let k = 0; k <= 6; k++) expect(h.gap[k]).toBeCloseTo(etaStar - h.eta[k], 12);
    for (let k = 0; k < 6; k++) {
      expect(h.improvement[k]).toBeCloseTo(h.eta[k + 1] - h.eta[k], 14);
      // TRPO's step moves exactly delta in the mean KL under d_old.
      expect(h.kl[k]).toBeCloseTo(0.02, 10);
      expect(h.time[k]).toBeGreaterThanOrEqual(0);
    }
    expect(r.evaluation.eta).toBe(h.eta[6]);
  });

  it("warm-starts each evaluation from the previous V: the same etas as cold evaluations, to the solver's accuracy", () => {
    // A sparse garnet large enough for the iterative solvers (LU ignores a warm start).
    const big = garnet({ S: 600, A: 4, branching: 4, gamma: 0.99, seed: 3, format: "sparse" });
    const update = npg({ stepSize: (k) => 2 ** k });
    const r = optimise(big, update, { iterations: 8 });
    let pi = uniformPolicy(big.S, big.A);
    let ev = evaluate(big, pi);
    for (let k = 0; k < 8; k++) {
      pi = update.step(big, pi, k, { evaluation: ev }).policy;
      ev = evaluate(big, pi);
      expect(Math.abs(r.history.eta[k + 1] - ev.eta)).toBeLessThan(1e-9 * Math.abs(ev.eta));
    }
    expect(r.evaluation.solver).not.toBe("lu");
    // The last policy's evaluation took fewer iterations warm than cold.
    expect(r.evaluation.iterations).toBeLessThan(ev.iterations);
    big.dispose();
  });

  it("stops at the tolerance (shorter arrays), when the callback says so, and immediately at an optimal start", () => {
    const r = optimise(mdp, gpi(), { iterations: 50, tolerance: 1e-10 });
    expect(r.stopped).toBe("tolerance");
    expect(r.history.eta).toHaveLength(r.iterations + 1);
    expect(r.history.kl).toHaveLength(r.iterations);
    expect(r.history.gap[r.iterations]).toBeLessThanOrEqual(1e-10);
    expect(r.history.gap[r.iterations - 1]).toBeGreaterThan(1e-10);
    const seen: number[] = [];
    const c = optimise(mdp, npg({ stepSize: 1 }), { iterations: 50, onIteration: (i) => (seen.push(i.k), i.k < 2) });
    expect(c.stopped).toBe("callback");
    expect(c.iterations).toBe(3);
    expect(seen).toEqual([0, 1, 2]);
    const z = optimise(mdp, gpi(), { iterations: 5, tolerance: 1e-9, policy: star.policy });
    expect(z.iterations).toBe(0);
    expect(z.stopped).toBe("tolerance");
  });

  it("runs exactly `iterations` steps without a tolerance, also past the optimum; tolerance 0 stops there", () => {
    const r = optimise(mdp, gpi(), { iterations: 12 });
    expect(r.stopped).toBe("iterations");
    expect(r.iterations).toBe(12);
    expect(r.history.eta).toHaveLength(13);
    expect(r.history.gap).toHaveLength(13);
    for (const key of ["kl", "improvement", "time"] as const) expect(r.history[key]).toHaveLength(12);
    // Policy iteration reaches the optimum long before 12 steps and stays there.
    expect(Math.abs(r.history.gap[12])).toBeLessThan(1e-12);
    const z = optimise(mdp, gpi(), { iterations: 12, tolerance: 0 });
    expect(z.stopped).toBe("tolerance");
    expect(z.iterations).toBeLessThan(12);
    expect(z.history.eta).toEqual(r.history.eta.slice(0, z.iterations + 1));
    const atOptimum = optimise(mdp, gpi(), { iterations: 3, policy: star.policy });
    expect(atOptimum.iterations).toBe(3);
  });

  it("carries the log-policy between log-space steps and nothing for the others", () => {
    const received: (Float64Array | undefined)[] = [];
    const inner = npg({ stepSize: 1 });
    const spy: Update = { ...inner, step: (m, p, k, o) => (received.push(o?.logPolicy), inner.step(m, p, k, o)) };
    const r = optimise(mdp, spy, { iterations: 3 });
    expect(received[0]).toBeUndefined();
    expect(received[1]).toBeInstanceOf(Float64Array);
    expect(r.logPolicy).toBeInstanceOf(Float64Array);
    const g: (Float64Array | undefined)[] = [];
    const gi = gpi();
    optimise(mdp, { ...gi, step: (m, p, k, o) => (g.push(o?.logPolicy), gi.step(m, p, k, o)) }, { iterations: 2 });
    expect(g).toEqual([undefined, undefined]);
  });

  it("reports KL = Infinity when the new policy leaves the old one's support", () => {
    const r = optimise(mdp, gpi(), { iterations: 1 });
    expect(r.history.kl[0]).toBe(Infinity);
  });

  it("rejects bad options", () => {
    expect(() => optimise(mdp, {} as never)).toThrow(ValidationError);
    expect(() => optimise(mdp, gpi(), { iterations: -1 })).toThrow(ValidationError);
    expect(() => optimise(mdp, gpi(), { iterations: 1.5 })).toThrow(ValidationError);
    expect(() => optimise(mdp, gpi(), { tolerance: NaN })).toThrow(ValidationError);
    expect(() => optimise(mdp, gpi(), { policy: new Float64Array(3) })).toThrow(ValidationError);
    expect(() => optimise(mdp, gpi(), { optimum: Infinity })).toThrow(ValidationError);
    expect(() => optimise(mdp, gpi(), { onIteration: 3 as never })).toThrow(ValidationError);
  });
});

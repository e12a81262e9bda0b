/**
 * The performance difference lemma (Kakade & Langford 2002, "Approximately Optimal Approximate Reinforcement Learning"):
 *
 *   eta(pi') - eta(pi) = 1/(1 - gamma) sum_s d_pi'(s) sum_a pi'(a|s) A_pi(s, a),
 *
 * checked to 1e-10 on random garnets, dense and sparse, several seeds and
 * random policy pairs. Both sides come from separate evaluations (values of
 * pi, visitation of pi'), so an error in V, Q, advantage or d breaks it.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/evaluation/index.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import { Rng } from "../../src/core/rng.js";
import { randomPolicy } from "./policies.js";

function pdlGap(mdp: Parameters<typeof evaluate>[0], pi: Float64Array, piNew: Float64Array, tolerance?: number) {
  const { S, A, gamma } = mdp;
  const old = evaluate(mdp, pi, { tolerance });
  const next = evaluate(mdp, piNew, { tolerance });
  let rhs = 0;
  for (let s = 0; s < S; s++) {
    let inner = 0;
    for (let a = 0; a < A; a++) inner += piNew[s * A + a] * old.advantage[s * A + a];
    rhs += next.d[s] * inner;
  }
  rhs /= 1 - gamma;
  const lhs = next.eta - old.eta;
  return { lhs, rhs, scale: 1 + Math.abs(old.eta) + Math.abs(next.eta) };
}

describe("performance difference lemma", () => {
  const cases: [string, number, number, number, number][] = [];
  for (const seed of [1, 2, 3]) {
    cases.push(["dense", 40, 3, 0.9, seed]);
    cases.push(["sparse", 60, 4, 0.95, seed]);
  }
  cases.push(["dense", 7, 2, 0.99, 4], ["sparse", 100, 2, 0.5, 5]);

  it.each(cases)("%s garnet S=%i A=%i gamma=%f seed %i (LU), 4 policy pairs", (format, S, A, gamma, seed) => {
    const mdp = garnet({ S, A, branching: Math.min(S, 5), seed, gamma, format: format as "dense" | "sparse" });
    const rng = new Rng(1000 + seed);
    for (let pair = 0; pair < 4; pair++) {
      const { lhs, rhs, scale } = pdlGap(mdp, randomPolicy(rng, S, A), randomPolicy(rng, S, A));
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * scale);
    }
    mdp.dispose();
  });

  it.each([["dense", 1], ["sparse", 2], ["sparse", 3]] as const)(
    "%s garnet S=400 A=3 gamma=0.97 seed %i (GMRES, tolerance 1e-13)",
    (format, seed) => {
      const mdp = garnet({ S: 400, A: 3, branching: 6, seed, gamma: 0.97, format });
      const rng = new Rng(seed);
      const { lhs, rhs, scale } = pdlGap(mdp, randomPolicy(rng, 400, 3), randomPolicy(rng, 400, 3), 1e-13);
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * scale);
      mdp.dispose();
    },
  );

  it("fails for a wrong visitation (the test can fail): d of the old policy instead of the new", () => {
    const mdp = garnet({ S: 30, A: 3, branching: 4, seed: 9, gamma: 0.9, format: "dense" });
    const rng = new Rng(77);
    const pi = randomPolicy(rng, 30, 3);
    const piNew = randomPolicy(rng, 30, 3);
    const old = evaluate(mdp, pi);
    const next = evaluate(mdp, piNew);
    let wrong = 0;
    for (let s = 0; s < 30; s++) {
      let inner = 0;
      for (let a = 0; a < 3; a++) inner += piNew[s * 3 + a] * old.advantage[s * 3 + a];
      wrong += old.d[s] * inner;
    }
    expect(Math.abs(next.eta - old.eta - wrong / 0.1)).toBeGreaterThan(1e-6);
    mdp.dispose();
  });
});

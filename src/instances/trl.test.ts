import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { trl } from "./trl.js";
import { Rng, maxDiff, softmaxRandom } from "../../test/helpers/algorithms.js";

describe("trl", () => {
  it("satisfies the per-state optimality conditions A(a) + C pi_old(a)/p(a) = lambda > max A", () => {
    const mdp = garnet({ S: 25, A: 4, branching: 3, gamma: 0.9, seed: 4 });
    const { S, A } = mdp;
    const policy = softmaxRandom(new Rng(2), S, A);
    const { advantage } = evaluate(mdp, policy);
    for (const C of [0.05, 1, 20]) {
      const r = trl({ C }).step(mdp, policy);
      for (let s = 0; s < S; s++) {
        const lambdas: number[] = [];
        let sum = 0;
        let maxA = -Infinity;
        for (let a = 0; a < A; a++) {
          const i = s * A + a;
          lambdas.push(advantage[i] + (C * policy[i]) / r.policy[i]);
          sum += r.policy[i];
          maxA = Math.max(maxA, advantage[i]);
        }
        expect(sum).toBeCloseTo(1, 14);
        const lambda = lambdas[0];
        for (const l of lambdas) expect(Math.abs(l - lambda)).toBeLessThan(1e-9 * (1 + Math.abs(lambda)));
        expect(lambda).toBeGreaterThan(maxA);
      }
    }
    // A large C barely moves; a small C is nearly greedy.
    expect(maxDiff(trl({ C: 1e6 }).step(mdp, policy).policy, policy)).toBeLessThan(1e-5);
    const sharp = trl({ C: 1e-6 }).step(mdp, policy).policy;
    for (let s = 0; s < S; s++) expect(Math.max(...sharp.subarray(s * A, s * A + A))).toBeGreaterThan(0.999);
    mdp.dispose();
  });

  it("rejects a bad C", () => {
    for (const C of [0, -1, NaN, Infinity, "1"]) expect(() => trl({ C } as never)).toThrow(ValidationError);
    expect(() => trl(undefined as never)).toThrow(ValidationError);
  });
});

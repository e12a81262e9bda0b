import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { frozenLake } from "../mdp/generators/frozen-lake.js";
import { garnet } from "../mdp/generators/garnet.js";
import { optimise } from "../mirror/optimise.js";
import { uniformPolicy } from "../policy/policy.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { gpi } from "./gpi.js";
import { Rng, softmaxRandom } from "../../test/helpers/algorithms.js";

describe("gpi", () => {
  it("is greedy in Q in every state, unreached ones included (FrozenLake 4x4)", () => {
    const mdp = frozenLake({ map: "4x4" });
    const policy = softmaxRandom(new Rng(1), mdp.S, mdp.A);
    const { Q, d } = evaluate(mdp, policy);
    const r = gpi().step(mdp, policy);
    const { S, A } = mdp;
    for (let s = 0; s < S; s++) {
      let best = 0;
      for (let a = 1; a < A; a++) if (Q[s * A + a] > Q[s * A + best]) best = a;
      for (let a = 0; a < A; a++) expect(r.policy[s * A + a]).toBe(a === best ? 1 : 0);
    }
    mdp.dispose();
  });

  it('with states: "visitation", states the old policy never reaches keep pi_old', () => {
    // Non-slippery FrozenLake, always LEFT: the start state (column 0) is the only state ever visited.
    const mdp = frozenLake({ map: "4x4", slippery: false });
    const { S, A } = mdp;
    const policy = new Float64Array(S * A);
    for (let s = 0; s < S; s++) policy[s * A] = 1;
    const { d } = evaluate(mdp, policy);
    const v = gpi({ states: "visitation" }).step(mdp, policy);
    let kept = 0;
    for (let s = 0; s < S; s++) {
      if (d[s] === 0) {
        kept++;
        for (let a = 0; a < A; a++) expect(v.policy[s * A + a]).toBe(policy[s * A + a]);
      }
    }
    expect(kept).toBe(S - 1);
    mdp.dispose();
  });

  it("optimise(gpi) is policy iteration: PI's optimal actions and value", () => {
    const mdp = garnet({ S: 40, A: 4, branching: 5, gamma: 0.95, seed: 2 });
    const r = optimise(mdp, gpi(), { iterations: 30, tolerance: 1e-12 });
    const star = policyIteration(mdp);
    expect(r.stopped).toBe("tolerance");
    for (let s = 0; s < mdp.S; s++) expect(r.policy[s * mdp.A + star.actions[s]]).toBe(1);
    expect(Math.abs(r.history.gap[r.iterations])).toBeLessThan(1e-12 * Math.abs(r.optimum));
    mdp.dispose();
  });

  it("rejects bad input with ValidationError", () => {
    const mdp = garnet({ S: 5, A: 2, branching: 2, seed: 1 });
    const u = gpi();
    expect(() => u.step(mdp, new Float64Array(9))).toThrow(ValidationError);
    expect(() => u.step(mdp, uniformPolicy(5, 2), -1)).toThrow(ValidationError);
    expect(() => u.step(mdp, uniformPolicy(5, 2), 1.5)).toThrow(ValidationError);
    expect(() => u.step(mdp, [0.5, 0.5] as unknown as Float64Array)).toThrow(ValidationError);
    const ev = evaluate(mdp, uniformPolicy(5, 2));
    expect(() => u.step(mdp, uniformPolicy(5, 2), 0, { evaluation: { ...ev, Q: new Float64Array(3) } })).toThrow(/evaluation.Q/);
    expect(() => u.step(null as never, uniformPolicy(5, 2))).toThrow(ValidationError);
    mdp.dispose();
  });
});

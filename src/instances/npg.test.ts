import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { npg } from "./npg.js";
import { Rng, maxDiff, softmaxRandom, tiltedPolicy } from "../../test/helpers/algorithms.js";

describe("npg", () => {
  const mdp = garnet({ S: 20, A: 3, branching: 4, gamma: 0.9, seed: 5 });
  const { S, A } = mdp;
  const policy = softmaxRandom(new Rng(3), S, A);
  const old = evaluate(mdp, policy);

  it("is pi_old exp(eta Q) / Z (the same as with exp(eta A)), in log space", () => {
    for (const eta of [0.01, 1, 30]) {
      const r = npg({ stepSize: eta }).step(mdp, policy);
      expect(maxDiff(r.policy, tiltedPolicy(policy, old.Q, eta, S, A))).toBeLessThan(1e-12);
      expect(maxDiff(r.policy, tiltedPolicy(policy, old.advantage, eta, S, A))).toBeLessThan(1e-12);
      expect(maxDiff(r.logPolicy.map(Math.exp), r.policy)).toBeLessThan(1e-14);
      expect(r.stepSize).toBe(eta);
    }
  });

  it("reads a schedule at k (k => eta0 / gamma^k)", () => {
    const u = npg({ stepSize: (k) => 0.5 / 0.9 ** k });
    const r = u.step(mdp, policy, 7, { evaluation: old });
    expect(r.stepSize).toBeCloseTo(0.5 / 0.9 ** 7, 14);
    expect(maxDiff(r.policy, tiltedPolicy(policy, old.Q, 0.5 / 0.9 ** 7, S, A))).toBeLessThan(1e-12);
  });

  it("the carried log-policy keeps actions whose probability underflowed to 0 revivable", () => {
    // A step large enough to push some probabilities below 1e-320 (exactly 0 in `policy`), then a step the other way.
    const first = npg({ stepSize: 2000 }).step(mdp, policy, 0, { evaluation: old });
    let zeros = 0;
    for (let i = 0; i < S * A; i++) {
      if (first.policy[i] === 0) {
        zeros++;
        expect(Number.isFinite(first.logPolicy[i])).toBe(true);
      }
    }
    expect(zeros).toBeGreaterThan(0);
    const negated = { ...old, Q: old.Q.map((q) => -q), advantage: old.advantage.map((a) => -a) };
    const carried = npg({ stepSize: 4000 }).step(mdp, first.policy, 1, { evaluation: negated, logPolicy: first.logPolicy });
    const dropped = npg({ stepSize: 4000 }).step(mdp, first.policy, 1, { evaluation: negated });
    // With the log carried, the net tilt is exp(-2000 Q): the actions that had vanished come back.
    expect(maxDiff(carried.policy, tiltedPolicy(policy, old.Q, -2000, S, A))).toBeLessThan(1e-9);
    expect(maxDiff(dropped.policy, carried.policy)).toBeGreaterThan(0.5);
  });

  it("caps an overflowing step size instead of returning NaN", () => {
    const r = npg({ stepSize: 1e307 }).step(mdp, policy, 0, { evaluation: old });
    for (const p of r.policy) expect(p === 0 || p === 1).toBe(true);
    let m = 0;
    for (const a of old.advantage) m = Math.max(m, Math.abs(a));
    expect(r.stepSize).toBeLessThanOrEqual(1e300 / m);
  });

  it("rejects bad step sizes and a log-policy that does not match", () => {
    for (const stepSize of [0, -1, NaN, Infinity, "1", undefined]) expect(() => npg({ stepSize } as never)).toThrow(ValidationError);
    const bad = npg({ stepSize: (k) => (k === 3 ? NaN : 1) });
    expect(() => bad.step(mdp, policy, 3, { evaluation: old })).toThrow(/iteration 3/);
    const logs = policy.map(Math.log);
    logs[0] += 0.1;
    expect(() => npg({ stepSize: 1 }).step(mdp, policy, 0, { evaluation: old, logPolicy: logs })).toThrow(ValidationError);
  });
});

import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { randomMdp } from "../mdp/generators/random-mdp.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { randomPolicy } from "../../test/helpers/mirror.js";
import { testRng } from "../../test/helpers/lengths.js";
import { MultiAgentMdp } from "./multi-agent-mdp.js";

function randomFactored(m: MultiAgentMdp, seed: number, zeros = 0): Float64Array[] {
  const rng = testRng(seed);
  return m.actionCounts.map((Ai) => randomPolicy(rng, m.S, Ai, zeros));
}

describe("MultiAgentMdp: joint action index", () => {
  const joint = randomMdp({ S: 2, A: 24, seed: 1 });
  const m = MultiAgentMdp.fromJoint(joint, [2, 3, 4]);

  it("puts agent 0 most significant: a = (a0*3 + a1)*4 + a2", () => {
    expect(m.strides).toEqual([12, 4, 1]);
    for (let a0 = 0; a0 < 2; a0++) {
      for (let a1 = 0; a1 < 3; a1++) {
        for (let a2 = 0; a2 < 4; a2++) expect(m.encodeAction([a0, a1, a2])).toBe((a0 * 3 + a1) * 4 + a2);
      }
    }
  });

  it("decodes every joint action back to the actions that encode it", () => {
    const seen = new Set<string>();
    for (let a = 0; a < m.A; a++) {
      const actions = m.decodeAction(a);
      actions.forEach((ai, i) => expect(ai).toBeLessThan(m.actionCounts[i]));
      expect(m.encodeAction(actions)).toBe(a);
      seen.add(actions.join(","));
    }
    expect(seen.size).toBe(24);
  });

  it("rejects bad actions with the agent and value", () => {
    expect(() => m.encodeAction([0, 3, 0])).toThrow(/actions: must be an integer in \[0, 3\).*agent 1/);
    expect(() => m.encodeAction([0, 0])).toThrow(ValidationError);
    expect(() => m.decodeAction(24)).toThrow(/joint action must be an integer in \[0, 24\)/);
    expect(() => m.decodeAction(1.5)).toThrow(ValidationError);
  });
});

describe("MultiAgentMdp: construction", () => {
  it("requires the product of action counts to equal the joint A", () => {
    const joint = randomMdp({ S: 3, A: 6, seed: 2 });
    expect(MultiAgentMdp.fromJoint(joint, [2, 3]).A).toBe(6);
    expect(MultiAgentMdp.fromJoint(joint, [6]).N).toBe(1);
    expect(() => MultiAgentMdp.fromJoint(joint, [2, 2])).toThrow(/product of per-agent action counts must equal the joint MDP's A = 6 \(got 4\)/);
    expect(() => MultiAgentMdp.fromJoint(joint, [])).toThrow(/needs at least one agent/);
    expect(() => MultiAgentMdp.fromJoint(joint, [2, 1.5])).toThrow(/action count must be a positive integer \(got 1.5\) at agent 1/);
    expect(() => MultiAgentMdp.fromJoint(joint, [6, 0])).toThrow(/at agent 1/);
    expect(() => MultiAgentMdp.fromJoint({} as TabularMdp, [6])).toThrow(/joint: must be a TabularMdp/);
    expect(() => MultiAgentMdp.fromJoint(joint, 6 as unknown as number[])).toThrow(/actionCounts: must be an array/);
  });

  it("shares a joint MDP given to fromJoint and owns one it builds", () => {
    const joint = randomMdp({ S: 2, A: 4, seed: 3 });
    const shared = MultiAgentMdp.fromJoint(joint, [2, 2]);
    shared.dispose();
    expect(joint.disposed).toBe(false);
    expect(MultiAgentMdp.fromJoint(joint.toSparse(), [2, 2]).joint.format).toBe("sparse");
    const built = MultiAgentMdp.fromDense({ S: 2, actionCounts: [2, 2], P: joint.P.slice(), R: joint.R.slice(), gamma: 0.5 });
    expect(built.A).toBe(4);
    expect(Array.from(built.joint.P)).toEqual(Array.from(joint.P));
    built.dispose();
    expect(built.joint.disposed).toBe(true);
    joint.dispose();
    expect(() => MultiAgentMdp.fromJoint(joint, [2, 2])).toThrow(/used after dispose/);
  });

  it("builds a sparse joint MDP from CSR and validates it like TabularMdp", () => {
    const dense = randomMdp({ S: 3, A: 4, seed: 4, density: 0.4 }).toSparse();
    const m = MultiAgentMdp.fromSparse({
      S: 3, actionCounts: [4, 1], rowPtr: dense.rowPtr.slice(), cols: dense.cols.slice(), probs: dense.probs.slice(),
      R: dense.R.slice(), gamma: 0.9,
    });
    expect(m.joint.format).toBe("sparse");
    expect(m.actionCounts).toEqual([4, 1]);
    expect(() => MultiAgentMdp.fromDense({ S: 1, actionCounts: [2, 2], P: [1, 1, 1, 0.5], R: [0, 0, 0, 0], gamma: 0 })).toThrow(
      /P: .*sum/,
    );
  });
});

describe("MultiAgentMdp: factored policies", () => {
  const joint = randomMdp({ S: 4, A: 12, seed: 5 });
  const m = MultiAgentMdp.fromJoint(joint, [3, 2, 2]);

  it("gives the product pi(a|s) = prod_i pi_i(a_i|s), a distribution per state", () => {
    const f = randomFactored(m, 11, 0.3);
    const pi = m.jointPolicy(f);
    for (let s = 0; s < m.S; s++) {
      let sum = 0;
      for (let a = 0; a < m.A; a++) {
        const [a0, a1, a2] = m.decodeAction(a);
        expect(pi[s * 12 + a]).toBeCloseTo(f[0][s * 3 + a0] * f[1][s * 2 + a1] * f[2][s * 2 + a2], 15);
        sum += pi[s * 12 + a];
      }
      expect(sum).toBeCloseTo(1, 14);
    }
  });

  it("recovers each factor as the marginal of the product", () => {
    for (let seed = 0; seed < 5; seed++) {
      const f = randomFactored(m, 100 + seed, 0.2);
      const back = m.marginals(m.jointPolicy(f));
      back.forEach((p, i) => p.forEach((v, j) => expect(v).toBeCloseTo(f[i][j], 14)));
      expect(Array.from(m.marginal(m.jointPolicy(f), 2))).toEqual(Array.from(back[2]));
    }
  });

  it("tells product policies from correlated ones: pi = product of its marginals only for products", () => {
    const two = MultiAgentMdp.fromJoint(randomMdp({ S: 1, A: 4, seed: 6 }), [2, 2]);
    const correlated = Float64Array.from([0.5, 0, 0, 0.5]); // (0,0) or (1,1) together
    const marg = two.marginals(correlated);
    expect(Array.from(marg[0])).toEqual([0.5, 0.5]);
    expect(Array.from(two.jointPolicy(marg))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const product = two.jointPolicy([Float64Array.from([0.2, 0.8]), Float64Array.from([0.7, 0.3])]);
    const again = two.jointPolicy(two.marginals(product));
    again.forEach((v, j) => expect(v).toBeCloseTo(product[j], 15));
  });

  it("has a uniform factored policy whose product is uniform", () => {
    const u = m.jointPolicy(m.uniformPolicies());
    u.forEach((v) => expect(v).toBeCloseTo(1 / 12, 15));
  });

  it("rejects malformed factored policies, saying which agent", () => {
    const f = m.uniformPolicies();
    expect(() => m.jointPolicy(f.slice(0, 2))).toThrow(/policies: must hold one policy per agent \(N = 3\) \(got 2\)/);
    expect(() => m.jointPolicy([f[0], f[1], new Float64Array(3)])).toThrow(/policies\[2\]: wrong length/);
    const bad = f.map((p) => p.slice());
    bad[1][2] = 0.9;
    expect(() => m.jointPolicy(bad)).toThrow(/policies\[1\]: policy row does not sum to 1.*state 1/);
    expect(() => m.jointPolicy(null as unknown as Float64Array[])).toThrow(ValidationError);
    expect(() => m.marginal(new Float64Array(m.S * m.A).fill(1 / 12), 3)).toThrow(/agent: must be an integer in \[0, 3\)/);
    expect(() => m.marginals(new Float64Array(5))).toThrow(/joint: wrong length/);
  });
});

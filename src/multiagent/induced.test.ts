import { describe, expect, it } from "vitest";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { randomMdp } from "../mdp/generators/random-mdp.js";
import { randomPolicy } from "../../test/helpers/mirror.js";
import { testRng } from "../../test/helpers/lengths.js";
import { MultiAgentMdp } from "./multi-agent-mdp.js";

function randomFactored(m: MultiAgentMdp, seed: number, zeros = 0): Float64Array[] {
  const rng = testRng(seed);
  return m.actionCounts.map((Ai) => randomPolicy(rng, m.S, Ai, zeros));
}

function close(x: ArrayLike<number>, y: ArrayLike<number>, tol: number): void {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i])));
}

/** Brute force over all joint actions: the induced row (s, a_i) and reward, read straight off the joint model. */
function bruteRow(m: MultiAgentMdp, f: Float64Array[], i: number, s: number, ai: number): { row: Float64Array; r: number } {
  const P = m.joint.format === "dense" ? m.joint.P.slice() : m.joint.toDense().P.slice();
  const R = m.joint.R.slice();
  const row = new Float64Array(m.S);
  let r = 0;
  for (let a = 0; a < m.A; a++) {
    const actions = m.decodeAction(a);
    if (actions[i] !== ai) continue;
    let w = 1;
    actions.forEach((aj, j) => {
      if (j !== i) w *= f[j][s * m.actionCounts[j] + aj];
    });
    for (let t = 0; t < m.S; t++) row[t] += w * P[(s * m.A + a) * m.S + t];
    r += w * R[s * m.A + a];
  }
  return { row, r };
}

describe("induced single-agent MDP", () => {
  const cases: { name: string; counts: number[]; S: number; sparse: boolean }[] = [
    { name: "2 agents, dense", counts: [2, 3], S: 5, sparse: false },
    { name: "3 agents, dense", counts: [2, 2, 3], S: 4, sparse: false },
    { name: "3 agents, sparse", counts: [3, 2, 2], S: 6, sparse: true },
  ];

  for (const c of cases) {
    it(`has rows sum_{a_-i} pi_-i(a_-i|s) P(.|s,a) and rewards likewise (${c.name})`, () => {
      const A = c.counts.reduce((p, n) => p * n, 1);
      const base = randomMdp({ S: c.S, A, seed: 7, density: 0.5 });
      const m = MultiAgentMdp.fromJoint(c.sparse ? base.toSparse() : base, c.counts);
      const f = randomFactored(m, 8, 0.3);
      for (let i = 0; i < m.N; i++) {
        const induced = m.inducedMdp(f, i);
        expect(induced.format).toBe(c.sparse ? "sparse" : "dense");
        expect(induced.A).toBe(c.counts[i]);
        expect(induced.gamma).toBe(m.gamma);
        const P = induced.format === "dense" ? induced.P.slice() : induced.toDense().P.slice();
        for (let s = 0; s < m.S; s++) {
          for (let ai = 0; ai < c.counts[i]; ai++) {
            const { row, r } = bruteRow(m, f, i, s, ai);
            close(P.subarray((s * c.counts[i] + ai) * m.S, (s * c.counts[i] + ai + 1) * m.S), row, 1e-14);
            expect(induced.R[s * c.counts[i] + ai]).toBeCloseTo(r, 13);
          }
        }
        induced.dispose();
      }
    });

    it(`keeps V, d and eta of the joint policy: eta_induced(pi_i) = eta_joint(pi) (${c.name})`, () => {
      const A = c.counts.reduce((p, n) => p * n, 1);
      const base = garnet({ S: c.S, A, branching: 2, gamma: 0.9, seed: 9 });
      const m = MultiAgentMdp.fromJoint(c.sparse ? base.toSparse() : base, c.counts);
      for (let seed = 0; seed < 4; seed++) {
        const f = randomFactored(m, 20 + seed, 0.25);
        const jointEval = evaluate(m.joint, m.jointPolicy(f));
        for (let i = 0; i < m.N; i++) {
          const induced = m.inducedMdp(f, i);
          const e = evaluate(induced, f[i]);
          expect(e.eta).toBeCloseTo(jointEval.eta, 10);
          close(e.V, jointEval.V, 1e-9);
          close(e.d, jointEval.d, 1e-9);
          // A_i(s, a_i) = E_{a_-i ~ pi_-i}[A(s, a)]: the agent's advantage is the others-averaged joint one.
          const Ai = c.counts[i];
          const averaged = new Float64Array(m.S * Ai);
          const pi = m.jointPolicy(f);
          for (let s = 0; s < m.S; s++) {
            for (let a = 0; a < m.A; a++) {
              const ai = m.decodeAction(a)[i];
              const others = f[i][s * Ai + ai] > 0 ? pi[s * m.A + a] / f[i][s * Ai + ai] : NaN;
              if (Number.isNaN(others)) continue;
              averaged[s * Ai + ai] += others * jointEval.advantage[s * m.A + a];
            }
          }
          for (let s = 0; s < m.S; s++) {
            for (let ai = 0; ai < Ai; ai++) {
              if (f[i][s * Ai + ai] > 0) expect(e.advantage[s * Ai + ai]).toBeCloseTo(averaged[s * Ai + ai], 9);
            }
          }
          induced.dispose();
        }
      }
    });
  }

  it("is the joint MDP itself for a single agent", () => {
    const joint = randomMdp({ S: 4, A: 3, seed: 10 });
    const m = MultiAgentMdp.fromJoint(joint, [3]);
    const induced = m.inducedMdp(m.uniformPolicies(), 0);
    close(induced.P, joint.P, 0);
    close(induced.R, joint.R, 0);
    close(induced.mu, joint.mu, 0);
  });

  it("is the joint slice when the others are deterministic", () => {
    const joint = randomMdp({ S: 3, A: 6, seed: 11 });
    const m = MultiAgentMdp.fromJoint(joint, [2, 3]);
    const other = new Float64Array(3 * 3);
    const choice = [2, 0, 1];
    choice.forEach((b, s) => (other[s * 3 + b] = 1));
    const induced = m.inducedMdp([m.uniformPolicies()[0], other], 0);
    for (let s = 0; s < 3; s++) {
      for (let a0 = 0; a0 < 2; a0++) {
        const a = m.encodeAction([a0, choice[s]]);
        close(induced.P.subarray((s * 2 + a0) * 3, (s * 2 + a0 + 1) * 3), joint.P.slice((s * 6 + a) * 3, (s * 6 + a + 1) * 3), 0);
        expect(induced.R[s * 2 + a0]).toBe(joint.R[s * 6 + a]);
      }
    }
  });

  it("gives the same model from dense and sparse storage", () => {
    const dense = randomMdp({ S: 5, A: 6, seed: 12, density: 0.3 });
    const sparse = dense.toSparse();
    const md = MultiAgentMdp.fromJoint(dense, [3, 2]);
    const ms = MultiAgentMdp.fromJoint(sparse, [3, 2]);
    const f = randomFactored(md, 13);
    for (let i = 0; i < 2; i++) {
      const a = md.inducedMdp(f, i);
      const b = ms.inducedMdp(f, i).toDense();
      close(a.P, b.P, 1e-15);
      close(a.R, b.R, 1e-15);
    }
  });

  it("rejects a bad agent index or factored policy", () => {
    const m = MultiAgentMdp.fromJoint(randomMdp({ S: 2, A: 4, seed: 14 }), [2, 2]);
    expect(() => m.inducedMdp(m.uniformPolicies(), 2)).toThrow(/agent: must be an integer in \[0, 2\) \(got 2\)/);
    expect(() => m.inducedMdp(m.uniformPolicies(), -1)).toThrow(/agent/);
    expect(() => m.inducedMdp([m.uniformPolicies()[0], Float64Array.from([1, 0, 0.5, 0.6])], 0)).toThrow(
      /policies\[1\]: policy row does not sum to 1.*state 1/,
    );
  });
});

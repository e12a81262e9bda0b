import { describe, expect, it } from "vitest";
import { garnet } from "./garnet.js";
import { Rng } from "../../core/rng.js";

describe("garnet", () => {
  it("has `branching` distinct, increasing next states per row and rows summing to 1", () => {
    const mdp = garnet({ S: 50, A: 3, branching: 5, seed: 1, format: "sparse" });
    expect([mdp.S, mdp.A, mdp.gamma, mdp.format, mdp.nnz]).toEqual([50, 3, 0.99, "sparse", 750]);
    const { rowPtr, cols, probs } = mdp;
    for (let r = 0; r < 150; r++) {
      expect(rowPtr[r + 1] - rowPtr[r]).toBe(5);
      let sum = 0;
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        if (k > rowPtr[r]) expect(cols[k]).toBeGreaterThan(cols[k - 1]);
        expect(probs[k]).toBeGreaterThan(0);
        sum += probs[k];
      }
      expect(sum).toBeCloseTo(1, 14);
    }
    for (const r of mdp.R) expect(r >= 0 && r < 1).toBe(true);
    expect(Array.from(mdp.mu)).toEqual(new Array(50).fill(1 / 50));
  });

  it("is a pure function of its seed, and the same MDP in dense and sparse form", () => {
    const a = garnet({ S: 40, A: 4, branching: 3, seed: 7, format: "sparse" });
    const b = garnet({ S: 40, A: 4, branching: 3, seed: 7, format: "sparse" });
    const c = garnet({ S: 40, A: 4, branching: 3, seed: 8, format: "sparse" });
    const d = garnet({ S: 40, A: 4, branching: 3, seed: 7, format: "dense" });
    expect(b.cols).toEqual(a.cols);
    expect(b.probs).toEqual(a.probs);
    expect(b.R).toEqual(a.R);
    expect(c.cols).not.toEqual(a.cols);
    expect(c.R).not.toEqual(a.R);
    expect(d.format).toBe("dense");
    expect(d.P).toEqual(a.toDense().P);
    expect(d.R).toEqual(a.R);
  });

  it("chooses next states uniformly (chi-square over many rows)", () => {
    const S = 20;
    const mdp = garnet({ S, A: 50, branching: 4, seed: 3, format: "sparse" });
    const counts = new Float64Array(S);
    for (const c of mdp.cols) counts[c]++;
    const expected = mdp.nnz / S;
    let chi2 = 0;
    for (const n of counts) chi2 += (n - expected) ** 2 / expected;
    // 19 degrees of freedom: P(chi2 > 43.8) = 0.001.
    expect(chi2).toBeLessThan(43.8);
  });

  it("draws probabilities as uniform spacings: mean 1/b, and the largest of b has mean H_b / b", () => {
    const b = 4;
    const mdp = garnet({ S: 30, A: 200, branching: b, seed: 5, format: "sparse" });
    const { probs } = mdp;
    const rows = mdp.S * mdp.A;
    let meanMax = 0;
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let k = r * b; k < r * b + b; k++) max = Math.max(max, probs[k]);
      meanMax += max / rows;
    }
    // E[max spacing] = (1/b) * sum_{i=1..b} 1/i for b uniform spacings (Dirichlet(1,..,1)).
    const harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    expect(meanMax).toBeCloseTo(harmonic / b, 2);
    // The smallest of b spacings has mean 1/b^2.
    let meanMin = 0;
    for (let r = 0; r < rows; r++) {
      let min = 1;
      for (let k = r * b; k < r * b + b; k++) min = Math.min(min, probs[k]);
      meanMin += min / rows;
    }
    expect(meanMin).toBeCloseTo(1 / (b * b), 2);
  });

  it("samples the same trajectories from its dense and sparse forms", () => {
    const sparse = garnet({ S: 30, A: 3, branching: 5, seed: 4, format: "sparse" });
    const dense = garnet({ S: 30, A: 3, branching: 5, seed: 4, format: "dense" });
    const r1 = new Rng(1);
    const r2 = new Rng(1);
    let s1 = 0;
    let s2 = 0;
    for (let t = 0; t < 2000; t++) {
      s1 = sparse.sampleNext(s1, t % 3, r1);
      s2 = dense.sampleNext(s2, t % 3, r2);
      expect(s2).toBe(s1);
    }
  });

  it("handles branching = S (every state reachable) and branching = 1 (deterministic)", () => {
    const full = garnet({ S: 6, A: 2, branching: 6, seed: 2, format: "sparse" });
    for (let r = 0; r < 12; r++) expect(Array.from(full.cols.subarray(r * 6, r * 6 + 6))).toEqual([0, 1, 2, 3, 4, 5]);
    const det = garnet({ S: 6, A: 2, branching: 1, seed: 2 });
    expect(Array.from(det.P).filter((p) => p === 1).length).toBe(12);
  });

  it("picks the format automatically: dense for small S, sparse above 2000 states", () => {
    expect(garnet({ S: 100, A: 2, branching: 2 }).format).toBe("dense");
    const big = garnet({ S: 2001, A: 1, branching: 2 });
    expect(big.format).toBe("sparse");
    big.dispose();
  });

  it("supports reward ranges and per-state rewards", () => {
    const m = garnet({ S: 10, A: 3, branching: 2, rewards: { low: -2, high: -1, perState: true } });
    for (let s = 0; s < 10; s++) {
      const r = m.R[s * 3];
      expect(r >= -2 && r < -1).toBe(true);
      expect(m.R[s * 3 + 1]).toBe(r);
      expect(m.R[s * 3 + 2]).toBe(r);
    }
  });

  it("rejects bad options with clear errors", () => {
    expect(() => garnet({ S: 5, A: 2, branching: 6 })).toThrow(/^branching: must be at most S = 5 \(got 6\)/);
    expect(() => garnet({ S: 5, A: 2, branching: 0 })).toThrow(/^branching: branching must be a positive integer/);
    expect(() => garnet({ S: 0, A: 2, branching: 1 })).toThrow(/^S: /);
    expect(() => garnet({ S: 5, A: 2, branching: 1, gamma: 1 })).toThrow(/^gamma: /);
    expect(() => garnet({ S: 5, A: 2, branching: 1, format: "csr" as "sparse" })).toThrow(/^format: /);
    expect(() => garnet({ S: 5, A: 2, branching: 1, rewards: { low: 1, high: 0 } })).toThrow(/^rewards: /);
  });
});

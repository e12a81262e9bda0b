import { describe, expect, it } from "vitest";
import { randomMdp } from "./random-mdp.js";

describe("randomMdp", () => {
  it("rows are distributions with about `density` of their entries non-zero", () => {
    const S = 200;
    const A = 3;
    const m = randomMdp({ S, A, seed: 1 });
    expect([m.format, m.gamma]).toEqual(["dense", 0.9]);
    const P = m.P;
    let nonZero = 0;
    for (let r = 0; r < S * A; r++) {
      let sum = 0;
      let rowNz = 0;
      for (let j = 0; j < S; j++) {
        sum += P[r * S + j];
        if (P[r * S + j] > 0) rowNz++;
      }
      expect(sum).toBeCloseTo(1, 13);
      // Binomial(200, 0.5): 6 standard deviations is about 42.
      expect(Math.abs(rowNz - 100)).toBeLessThan(43);
      nonZero += rowNz;
    }
    expect(nonZero / (S * A * S)).toBeCloseTo(0.5, 2);
    for (const r of m.R) expect(r >= -1 && r < 1).toBe(true);
    const dense = randomMdp({ S: 30, A: 2, density: 1 });
    expect(Array.from(dense.P).every((p) => p > 0)).toBe(true);
  });

  it("is a pure function of its seed", () => {
    const a = randomMdp({ S: 20, A: 4, seed: 3 });
    const b = randomMdp({ S: 20, A: 4, seed: 3 });
    const c = randomMdp({ S: 20, A: 4, seed: 4 });
    expect(b.P).toEqual(a.P);
    expect(b.R).toEqual(a.R);
    expect(c.P).not.toEqual(a.P);
  });

  it("follows a user mask (shared S*S or per action S*A*S) and rescues empty rows", () => {
    const S = 5;
    const A = 2;
    const mask = new Uint8Array(S * S);
    for (let s = 0; s < S; s++) for (let j = 0; j < S; j++) mask[s * S + j] = (s + j) % 2;
    mask.fill(0, 0, S); // state 0 has an empty mask row
    const m = randomMdp({ S, A, seed: 2, mask });
    for (let s = 1; s < S; s++) {
      for (let a = 0; a < A; a++) {
        for (let j = 0; j < S; j++) expect(m.P[(s * A + a) * S + j] > 0).toBe(mask[s * S + j] === 1);
      }
    }
    for (let a = 0; a < A; a++) {
      const row = Array.from(m.P.subarray(a * S, a * S + S));
      expect(row.filter((p) => p === 1)).toHaveLength(1);
      expect(row.filter((p) => p === 0)).toHaveLength(S - 1);
    }
    const perAction = new Array(S * A * S).fill(0).map((_, i) => (i % S === (Math.floor(i / S) % A) ? 1 : 0));
    const d = randomMdp({ S, A, mask: perAction });
    for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) expect(d.P[(s * A + a) * S + a]).toBe(1);
  });

  it("transition rewards give expected rewards in [-1, 1] that differ from state-action draws", () => {
    const t = randomMdp({ S: 50, A: 2, seed: 5, rewards: "transition" });
    const sa = randomMdp({ S: 50, A: 2, seed: 5 });
    expect(t.P).toEqual(sa.P); // transitions are drawn first, identically
    expect(t.R).not.toEqual(sa.R);
    for (const r of t.R) expect(Math.abs(r)).toBeLessThanOrEqual(1);
    // An average of about 25 independent uniforms: much smaller spread than one uniform.
    const rms = Math.sqrt(t.R.reduce((x, r) => x + r * r, 0) / t.R.length);
    expect(rms).toBeLessThan(0.3);
  });

  it("rejects bad options", () => {
    expect(() => randomMdp({ S: 4, A: 2, density: 0 })).toThrow(/^density: must be a number in \(0, 1\] \(got 0\)/);
    expect(() => randomMdp({ S: 4, A: 2, mask: [1, 0] })).toThrow(/^mask: must have length S\*S = 16 or S\*A\*S = 32 \(got 2\)/);
    expect(() => randomMdp({ S: 4, A: 2, rewards: "x" as "transition" })).toThrow(/^rewards/);
    expect(() => randomMdp({ S: 30000, A: 1 })).toThrow(/^P: needs 6\.71 GiB/);
  });
});

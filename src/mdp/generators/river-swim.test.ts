import { describe, expect, it } from "vitest";
import { riverSwim } from "./river-swim.js";
import type { TabularMdp } from "../tabular-mdp.js";

/** Plain value iteration to 1e-12, independent of the library's solvers. */
function greedyActions(mdp: TabularMdp): number[] {
  const { S, A, gamma } = mdp;
  const P = mdp.P.slice();
  const R = mdp.R.slice();
  let V = new Float64Array(S);
  const q = (s: number, a: number, v: Float64Array): number => {
    let x = R[s * A + a];
    for (let j = 0; j < S; j++) x += gamma * P[(s * A + a) * S + j] * v[j];
    return x;
  };
  for (let it = 0; it < 5000; it++) {
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++) next[s] = Math.max(...Array.from({ length: A }, (_, a) => q(s, a, V)));
    V = next;
  }
  return Array.from({ length: S }, (_, s) => (q(s, 1, V) > q(s, 0, V) ? 1 : 0));
}

describe("riverSwim", () => {
  it("has the documented Strehl-Littman dynamics and rewards", () => {
    const m = riverSwim();
    expect([m.S, m.A, m.gamma]).toEqual([6, 2, 0.95]);
    const row = (s: number, a: number) => Array.from(m.P.subarray((s * 2 + a) * 6, (s * 2 + a + 1) * 6));
    expect(row(0, 0)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(row(3, 0)).toEqual([0, 0, 1, 0, 0, 0]);
    expect(row(0, 1)).toEqual([0.7, 0.3, 0, 0, 0, 0]);
    expect(row(2, 1)[1]).toBeCloseTo(0.1, 15);
    expect(row(2, 1).slice(2)).toEqual([0.6, 0.3, 0, 0]);
    expect(row(5, 1)).toEqual([0, 0, 0, 0, 0.7, 0.3]);
    expect(Array.from(m.R)).toEqual([0.005, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3]);
    expect(Array.from(m.mu)).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it("its optimal policy swims right everywhere (the classic exploration trap)", () => {
    expect(greedyActions(riverSwim())).toEqual([1, 1, 1, 1, 1, 1]);
    // Heavily discounted, the small left reward wins near the left bank.
    expect(greedyActions(riverSwim({ gamma: 0.1, leftReward: 5, rightReward: 1 }))[0]).toBe(0);
  });

  it("accepts the original rewards, other lengths and start distributions; rejects bad options", () => {
    const m = riverSwim({ n: 10, leftReward: 5, rightReward: 10000, mu: new Float64Array(10).fill(0.1) });
    expect(m.S).toBe(10);
    expect(m.reward(9, 1)).toBeCloseTo(3000, 12);
    expect(riverSwim({ n: 2 }).S).toBe(2);
    expect(() => riverSwim({ n: 1 })).toThrow(/^n: RiverSwim needs at least 2 states/);
    expect(() => riverSwim({ pRight: 0.5, pStay: 0.6 })).toThrow(/pRight \+ pStay <= 1/);
    expect(() => riverSwim({ leftReward: Number.NaN })).toThrow(/^leftReward/);
  });
});

import { describe, expect, it } from "vitest";
import { FROZEN_LAKE_MAPS, frozenLake, frozenLakeMap } from "./frozen-lake.js";

const third = 1 / 3;

/** The next-state distribution of (s, a) as a sparse object {s': p}. */
function row(mdp: ReturnType<typeof frozenLake>, s: number, a: number): Record<number, number> {
  const { next, probs } = mdp.transition(s, a);
  return Object.fromEntries(Array.from(next, (n, i) => [n, probs[i]]));
}

describe("frozenLake", () => {
  it("uses Gymnasium's 4x4 and 8x8 maps", () => {
    expect(FROZEN_LAKE_MAPS["4x4"]).toEqual(["SFFF", "FHFH", "FFFH", "HFFG"]);
    expect(FROZEN_LAKE_MAPS["8x8"].join("")).toHaveLength(64);
    expect(FROZEN_LAKE_MAPS["8x8"].join("").split("H")).toHaveLength(11); // 10 holes
    const lake = frozenLake({ map: "8x8" });
    expect([lake.S, lake.A, lake.gamma]).toEqual([64, 4, 0.99]);
  });

  it("slippery 4x4: state 0 action down goes left (stay), down or right with 1/3 each", () => {
    const lake = frozenLake();
    expect(row(lake, 0, 1)).toEqual({ 0: third, 1: third, 4: third });
    // Left in the corner: left and up both stay, down moves: 2/3 stay.
    expect(row(lake, 0, 0)).toEqual({ 0: 2 * third, 4: third });
    expect(lake.reward(0, 1)).toBe(0);
  });

  it("pays the goal reward on entering G and treats H and G as absorbing with reward 0", () => {
    const lake = frozenLake();
    // State 14 (row 3, col 2), action right: right -> 15 (G), down -> stays 14, up -> 10.
    expect(row(lake, 14, 2)).toEqual({ 10: third, 14: third, 15: third });
    expect(lake.reward(14, 2)).toBe(third);
    // State 11 is a hole, 15 the goal: every action loops with reward 0.
    for (const s of [5, 7, 11, 12, 15]) {
      for (let a = 0; a < 4; a++) {
        expect(row(lake, s, a)).toEqual({ [s]: 1 });
        expect(lake.reward(s, a)).toBe(0);
      }
    }
    expect(Array.from(lake.mu)).toEqual([1, ...new Array(15).fill(0)]);
  });

  it("non-slippery moves deterministically and stays at walls", () => {
    const lake = frozenLake({ slippery: false });
    expect(row(lake, 0, 2)).toEqual({ 1: 1 });
    expect(row(lake, 0, 3)).toEqual({ 0: 1 });
    expect(row(lake, 14, 2)).toEqual({ 15: 1 });
    expect(lake.reward(14, 2)).toBe(1);
    expect(lake.reward(11, 1)).toBe(0); // a hole
  });

  it("supports Gymnasium's success rate and reward schedule", () => {
    const lake = frozenLake({ successRate: 0.8, rewardSchedule: [10, -1, -0.01] });
    const p = row(lake, 9, 1); // (2,1) down -> 13; slips left -> 8, right -> 10
    expect(p[13]).toBe(0.8);
    expect(p[8]).toBeCloseTo(0.1, 15);
    expect(p[10]).toBeCloseTo(0.1, 15);
    // State 6 (1,2), action right: 7 is a hole (0.8), up -> 2, down -> 10 (frozen).
    expect(lake.reward(6, 2)).toBeCloseTo(0.8 * -1 + 0.2 * -0.01, 15);
  });

  it("accepts custom maps with several starts and rejects bad ones", () => {
    const lake = frozenLake({ map: ["SFG", "SHF"], slippery: false, gamma: 0.5 });
    expect(lake.S).toBe(6);
    expect(Array.from(lake.mu)).toEqual([0.5, 0, 0, 0.5, 0, 0]);
    expect(() => frozenLakeMap(["SF", "F"])).toThrow(/^map: rows must be non-empty strings of equal length 2 \(got "F"\) at row 1/);
    expect(() => frozenLakeMap(["SX"])).toThrow(/^map: cells must be one of S, F, H, G \(got "X"\) at row 0, col 1/);
    expect(() => frozenLakeMap(["FF"])).toThrow(/needs at least one start cell/);
    expect(() => frozenLakeMap("9x9" as "4x4")).toThrow(/^map: /);
    expect(() => frozenLake({ successRate: 2 })).toThrow(/^successRate/);
  });
});

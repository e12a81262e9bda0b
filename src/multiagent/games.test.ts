import { describe, expect, it } from "vitest";
import { gpi } from "../instances/gpi.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { ValidationError } from "../core/errors.js";
import { GridAction, climbingGame, matrixGame, penaltyGame, twoAgentGridworld } from "./games.js";
import { optimiseMultiAgent } from "./optimise-multi-agent.js";
import { jointEta } from "./updates.js";
import type { MultiAgentMdp } from "./multi-agent-mdp.js";

function pure(A: number, a: number): Float64Array {
  const p = new Float64Array(A);
  p[a] = 1;
  return p;
}

function expectPayoffs(g: MultiAgentMdp, payoff: number[][], gamma: number): void {
  for (let a0 = 0; a0 < 3; a0++) {
    for (let a1 = 0; a1 < 3; a1++) {
      expect(jointEta(g, [pure(3, a0), pure(3, a1)])).toBeCloseTo(payoff[a0][a1] / (1 - gamma), 12);
    }
  }
}

describe("matrix games (Claus & Boutilier 1998)", () => {
  it("climbing game: eta of every pure pair is its payoff / (1 - gamma), agent 0 choosing the row", () => {
    const payoff = [[11, -30, 0], [-30, 7, 6], [0, 0, 5]];
    for (const gamma of [0, 0.5]) {
      const g = climbingGame({ gamma });
      expect(g.S).toBe(1);
      expect(g.actionCounts).toEqual([3, 3]);
      expectPayoffs(g, payoff, gamma);
    }
  });

  it("penalty game: k on the miscoordinated corners, default k = -10", () => {
    expectPayoffs(penaltyGame(), [[-10, 0, 10], [0, 2, 0], [10, 0, -10]], 0);
    expectPayoffs(penaltyGame({ k: -5, gamma: 0.5 }), [[-5, 0, 10], [0, 2, 0], [10, 0, -5]], 0.5);
    expect(() => penaltyGame({ k: 1 })).toThrow(/k: penalty must be a finite number <= 0 \(got 1\)/);
  });

  it("eta of mixed policies is p^T M q / (1 - gamma) for any rectangular game", () => {
    const M = [[1, -2, 0.5, 4], [3, 0, -1, 2]];
    const g = matrixGame(M, { gamma: 0.25 });
    const p = Float64Array.from([0.3, 0.7]);
    const q = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
    let expected = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) expected += p[i] * q[j] * M[i][j];
    expect(jointEta(g, [p, q])).toBeCloseTo(expected / 0.75, 12);
  });

  it("rejects malformed payoff tables", () => {
    expect(() => matrixGame([])).toThrow(/payoff: must be a non-empty table/);
    expect(() => matrixGame([[1, 2], [3]])).toThrow(/every row must have 2 entries \(got 1\) at row 1/);
    expect(() => matrixGame([[1, NaN]])).toThrow(/entries must be finite numbers \(got NaN\) at row 0, column 1/);
    expect(() => matrixGame([[1]], { gamma: 1 })).toThrow(ValidationError);
  });
});

describe("two-agent gridworld", () => {
  const world = twoAgentGridworld();
  const { mamdp, cell, state } = world;
  const joint = mamdp.joint;
  const act = (a0: GridAction, a1: GridAction): number => mamdp.encodeAction([a0, a1]);
  const only = (s: number, a: number): number => {
    const { next, probs } = joint.transition(s, a);
    expect(probs.length).toBe(1);
    return next[0];
  };

  it("has the documented layout: 3x3, S = 81, 5 x 5 joint actions, start and goals crossed", () => {
    expect(mamdp.S).toBe(81);
    expect(mamdp.actionCounts).toEqual([5, 5]);
    expect(world.starts).toEqual([cell(0, 2), cell(2, 2)]);
    expect(world.goals).toEqual([cell(2, 0), cell(0, 0)]);
    expect(joint.mu[state(cell(0, 2), cell(2, 2))]).toBe(1);
    expect(world.cells(state(4, 7))).toEqual([4, 7]);
  });

  it("moves both agents, bumps at walls and lets one follow the other", () => {
    const s = state(cell(0, 0), cell(1, 0));
    expect(only(s, act(GridAction.Up, GridAction.Down))).toBe(state(cell(0, 0), cell(1, 1)));
    expect(only(s, act(GridAction.Right, GridAction.Right))).toBe(state(cell(1, 0), cell(2, 0)));
    expect(joint.reward(s, act(GridAction.Right, GridAction.Right))).toBe(0);
  });

  it("blocks and penalises collisions: same target cell, moving into a staying agent, swapping", () => {
    const a = state(cell(0, 1), cell(1, 0));
    const same = act(GridAction.Right, GridAction.Down); // both into (1, 1)
    expect(only(a, same)).toBe(a);
    expect(joint.reward(a, same)).toBe(-1);
    const b = state(cell(0, 0), cell(1, 0));
    const swap = act(GridAction.Right, GridAction.Left);
    expect(only(b, swap)).toBe(b);
    expect(joint.reward(b, swap)).toBe(-1);
    const intoStaying = act(GridAction.Right, GridAction.Stay);
    expect(only(b, intoStaying)).toBe(b);
    expect(joint.reward(b, intoStaying)).toBe(-1);
  });

  it("pays the goal reward on entering the joint goal, which is absorbing with reward 0", () => {
    const before = state(cell(1, 0), cell(0, 0)); // agent 1 already home, agent 0 one step left of its goal
    expect(only(before, act(GridAction.Right, GridAction.Stay))).toBe(world.goalState);
    expect(joint.reward(before, act(GridAction.Right, GridAction.Stay))).toBe(1);
    for (let a = 0; a < 25; a++) {
      expect(only(world.goalState, a)).toBe(world.goalState);
      expect(joint.reward(world.goalState, a)).toBe(0);
    }
  });

  it("slips each agent's move independently", () => {
    const slippery = twoAgentGridworld({ slip: 0.2 });
    const s = slippery.state(slippery.starts[0], slippery.starts[1]);
    const { next, probs } = slippery.mamdp.joint.transition(s, slippery.mamdp.encodeAction([GridAction.Up, GridAction.Up]));
    const got = new Map(Array.from(next, (t, j) => [t, probs[j]]));
    const [c0, c1] = slippery.starts;
    const up0 = slippery.cell(0, 1);
    const up1 = slippery.cell(2, 1);
    expect(got.get(slippery.state(up0, up1))).toBeCloseTo(0.64, 15);
    expect(got.get(slippery.state(up0, c1))).toBeCloseTo(0.16, 15);
    expect(got.get(slippery.state(c0, up1))).toBeCloseTo(0.16, 15);
    expect(got.get(s)).toBeCloseTo(0.04, 15);
  });

  it("stores the same model dense and sparse", () => {
    const dense = twoAgentGridworld({ format: "dense", slip: 0.1 }).mamdp.joint;
    const sparse = twoAgentGridworld({ slip: 0.1 }).mamdp.joint;
    expect(dense.format).toBe("dense");
    expect(Array.from(sparse.toDense().P)).toEqual(Array.from(dense.P));
    expect(Array.from(sparse.R)).toEqual(Array.from(dense.R));
  });

  it("has optimal eta gamma^3 (4 collision-free moves each); sequential gpi reaches it, simultaneous falls on the way", () => {
    const optimum = policyIteration(joint).V[state(world.starts[0], world.starts[1])];
    expect(optimum).toBeCloseTo(0.9 ** 3, 12);
    const seq = optimiseMultiAgent(mamdp, gpi(), { iterations: 4 });
    expect(seq.history.eta[seq.history.eta.length - 1]).toBeCloseTo(optimum, 10);
    const sim = optimiseMultiAgent(mamdp, gpi(), { iterations: 8, mode: "simultaneous" });
    const falls = sim.history.eta.slice(1).filter((e, k) => e < sim.history.eta[k] - 1e-9);
    expect(falls.length).toBeGreaterThan(0);
  });

  it("rejects bad layouts", () => {
    expect(() => twoAgentGridworld({ width: 1 })).toThrow(/width: must be an integer in \[2, 64\]/);
    expect(() => twoAgentGridworld({ starts: [0, 0] })).toThrow(/starts: the two agents' cells must differ/);
    expect(() => twoAgentGridworld({ goals: [0, 9] })).toThrow(/goals: cell must be an integer in \[0, 9\) \(got 9\) at agent 1/);
    expect(() => twoAgentGridworld({ slip: 1 })).toThrow(/slip: must be a number in \[0, 1\)/);
    expect(() => twoAgentGridworld({ collisionPenalty: Infinity })).toThrow(/collisionPenalty/);
    expect(() => twoAgentGridworld({ format: "csr" as "sparse" })).toThrow(/format/);
  });
});

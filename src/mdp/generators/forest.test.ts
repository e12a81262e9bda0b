import { describe, expect, it } from "vitest";
import { forest } from "./forest.js";
import { smallMdp } from "./small.js";
import type { TabularMdp } from "../tabular-mdp.js";

/** Our P[(s*A + a)*S + s'] as pymdptoolbox's P[a][s][s']. */
function actionMajor(mdp: TabularMdp): number[][][] {
  const { S, A, P } = mdp;
  return Array.from({ length: A }, (_, a) =>
    Array.from({ length: S }, (_, s) => Array.from(P.subarray((s * A + a) * S, (s * A + a + 1) * S))),
  );
}

const asRows = (R: Float64Array, A: number): number[][] =>
  Array.from({ length: R.length / A }, (_, s) => Array.from(R.subarray(s * A, s * A + A)));

describe("pymdptoolbox examples", () => {
  it("forest() matches mdptoolbox.example.forest()'s documented matrices", () => {
    const m = forest();
    expect([m.S, m.A, m.gamma]).toEqual([3, 2, 0.9]);
    expect(actionMajor(m)).toEqual([
      [
        [0.1, 0.9, 0],
        [0.1, 0, 0.9],
        [0.1, 0, 0.9],
      ],
      [
        [1, 0, 0],
        [1, 0, 0],
        [1, 0, 0],
      ],
    ]);
    expect(asRows(m.R, 2)).toEqual([
      [0, 0],
      [0, 1],
      [4, 2],
    ]);
  });

  it("forest() generalises to S states and other parameters", () => {
    const m = forest({ S: 5, r1: 7, r2: 3, p: 0.25 });
    const [wait, cut] = actionMajor(m);
    for (let s = 0; s < 5; s++) {
      expect(wait[s][0]).toBe(0.25);
      expect(wait[s][Math.min(s + 1, 4)]).toBe(0.75);
      expect(wait[s].reduce((x, y) => x + y, 0)).toBe(1);
      expect(cut[s]).toEqual([1, 0, 0, 0, 0]);
    }
    expect(asRows(m.R, 2)).toEqual([
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 1],
      [7, 3],
    ]);
    expect(forest({ p: 0 }).transition(0, 0)).toEqual({ next: Int32Array.of(1), probs: Float64Array.of(1) });
  });

  it("forest() keeps pymdptoolbox's argument checks", () => {
    expect(() => forest({ S: 1 })).toThrow(/^S: the forest needs at least 2 states/);
    expect(() => forest({ r1: 0 })).toThrow(/^r1: must be a finite number > 0 \(got 0\)/);
    expect(() => forest({ r2: -1 })).toThrow(/^r2: /);
    expect(() => forest({ p: 1.5 })).toThrow(/^p: fire probability must be in \[0, 1\] \(got 1\.5\)/);
  });

  it("smallMdp() matches mdptoolbox.example.small()", () => {
    const m = smallMdp();
    expect(actionMajor(m)).toEqual([
      [
        [0.5, 0.5],
        [0.8, 0.2],
      ],
      [
        [0, 1],
        [0.1, 0.9],
      ],
    ]);
    expect(asRows(m.R, 2)).toEqual([
      [5, 10],
      [-1, 2],
    ]);
  });
});

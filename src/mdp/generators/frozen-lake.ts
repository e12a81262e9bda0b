/**
 * FrozenLake as an exact MDP, with Gymnasium's `FrozenLake-v1` semantics
 * (gymnasium/envs/toy_text/frozen_lake.py): state s = row * ncol + col;
 * actions 0 left, 1 down, 2 right, 3 up; a move off the grid stays in place.
 * Slippery: the intended direction with probability `successRate` (default
 * 1/3) and each perpendicular direction, (a - 1) mod 4 and (a + 1) mod 4,
 * with (1 - successRate) / 2. Entering a cell pays `rewardSchedule` = [goal,
 * hole, frozen] (default [1, 0, 0]). From H and G every action loops to the
 * same cell with reward 0, as Gymnasium's `P` table does. `mu` is uniform
 * over the start cells "S" (Gymnasium's initial_state_distrib). With the
 * default success rate all three outcomes get exactly 1/3 (Gymnasium before
 * `success_rate` existed); an explicit rate uses Gymnasium's (1 - rate) / 2.
 *
 * `R[s][a]` is the expected reward sum_{s'} P(s'|s,a) r(s'); duplicate outcomes
 * (e.g. two slips into a wall) are merged by adding their probabilities.
 */
import { ValidationError } from "../../core/errors.js";
import { TabularMdp } from "../tabular-mdp.js";
import { checkAllocation, checkBoolean, checkGamma, checkObject, checkOptions } from "../../core/validate.js";

/** Gymnasium's built-in maps. */
export const FROZEN_LAKE_MAPS: Readonly<Record<"4x4" | "8x8", readonly string[]>> = Object.freeze({
  "4x4": Object.freeze(["SFFF", "FHFH", "FFFH", "HFFG"]),
  "8x8": Object.freeze([
    "SFFFFFFF",
    "FFFFFFFF",
    "FFFHFFFF",
    "FFFFFHFF",
    "FFFHFFFF",
    "FHHFFFHF",
    "FHFFHFHF",
    "FFFHFFFG",
  ]),
});

/** Actions of FrozenLake, as in Gymnasium. */
export const FrozenLakeAction = Object.freeze({ LEFT: 0, DOWN: 1, RIGHT: 2, UP: 3 });

export interface FrozenLakeOptions {
  /** "4x4" (default), "8x8", or rows of S/F/H/G letters. */
  map?: "4x4" | "8x8" | readonly string[];
  /** Default true. */
  slippery?: boolean;
  /** Probability of moving in the intended direction when slippery (Gymnasium's success_rate), default 1/3. */
  successRate?: number;
  /** Rewards for entering [goal, hole, frozen] (Gymnasium's reward_schedule), default [1, 0, 0]. */
  rewardSchedule?: readonly [number, number, number];
  /** Discount, default 0.99. */
  gamma?: number;
}

/** Validates and returns the map's rows (a copy). */
export function frozenLakeMap(map: FrozenLakeOptions["map"] = "4x4"): string[] {
  const rows = typeof map === "string" ? FROZEN_LAKE_MAPS[map] : map;
  if (!rows || !Array.isArray(rows) || rows.length === 0) {
    throw new ValidationError("map", 'must be "4x4", "8x8" or a non-empty array of strings', map);
  }
  const ncol = typeof rows[0] === "string" ? rows[0].length : 0;
  let starts = 0;
  rows.forEach((row, r) => {
    if (typeof row !== "string" || row.length !== ncol || ncol === 0) {
      throw new ValidationError("map", `rows must be non-empty strings of equal length ${ncol}`, row, { row: r });
    }
    for (let c = 0; c < ncol; c++) {
      const letter = row[c];
      if (!"SFHG".includes(letter)) {
        throw new ValidationError("map", "cells must be one of S, F, H, G", letter, { row: r, col: c });
      }
      if (letter === "S") starts++;
    }
  });
  if (starts === 0) throw new ValidationError("map", "needs at least one start cell S", rows.join("/"));
  return [...rows];
}

const OPTIONS = ["map", "slippery", "successRate", "rewardSchedule", "gamma"] as const;

/** Builds the FrozenLake MDP (see the module comment). Dense, S = rows * cols, A = 4. */
export function frozenLake(options: FrozenLakeOptions = {}): TabularMdp {
  checkObject("options", options, "frozenLake: { map, slippery, ... }");
  checkOptions("options", options, OPTIONS, "frozenLake");
  const desc = frozenLakeMap(options.map ?? "4x4");
  // Dense, A = 4: S*4*S transitions (S = the map's cells), built here and copied once into WebAssembly memory.
  const cells = desc.length * desc[0].length;
  checkAllocation("map", `${desc.length}x${desc[0].length}`, (4 * cells * cells + 6 * cells) * 8, { rows: desc.length, cols: desc[0].length });
  const slippery = checkBoolean("slippery", options.slippery ?? true);
  const success = options.successRate ?? 1 / 3;
  if (typeof success !== "number" || !(success >= 0 && success <= 1)) {
    throw new ValidationError("successRate", "must be a probability in [0, 1]", success);
  }
  const schedule = options.rewardSchedule ?? [1, 0, 0];
  if (!Array.isArray(schedule) || schedule.length !== 3 || !schedule.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new ValidationError("rewardSchedule", "must be three finite numbers [goal, hole, frozen]", schedule);
  }
  const gamma = checkGamma("gamma", options.gamma ?? 0.99);
  const nrow = desc.length;
  const ncol = desc[0].length;
  const S = nrow * ncol;
  const A = 4;
  const P = new Float64Array(S * A * S);
  const R = new Float64Array(S * A);
  const mu = new Float64Array(S);
  const letter = (s: number): string => desc[Math.floor(s / ncol)][s % ncol];
  const move = (row: number, col: number, a: number): number => {
    if (a === 0) col = Math.max(col - 1, 0);
    else if (a === 1) row = Math.min(row + 1, nrow - 1);
    else if (a === 2) col = Math.min(col + 1, ncol - 1);
    else row = Math.max(row - 1, 0);
    return row * ncol + col;
  };
  const enterReward = (s: number): number => {
    const l = letter(s);
    return l === "G" ? schedule[0] : l === "H" ? schedule[1] : schedule[2];
  };
  const fail = options.successRate === undefined ? 1 / 3 : (1 - success) / 2;
  for (let s = 0; s < S; s++) {
    const row = Math.floor(s / ncol);
    const col = s % ncol;
    if (letter(s) === "S") mu[s] = 1;
    for (let a = 0; a < A; a++) {
      const base = (s * A + a) * S;
      if (letter(s) === "H" || letter(s) === "G") {
        P[base + s] = 1;
        continue;
      }
      const outcomes: [number, number][] = slippery
        ? [
            [(a + 3) % 4, fail],
            [a, success],
            [(a + 1) % 4, fail],
          ]
        : [[a, 1]];
      for (const [dir, p] of outcomes) {
        const next = move(row, col, dir);
        P[base + next] += p;
        R[s * A + a] += p * enterReward(next);
      }
    }
  }
  const starts = mu.reduce((x, y) => x + y, 0);
  for (let s = 0; s < S; s++) mu[s] /= starts;
  return TabularMdp.fromDense({ S, A, P, R, gamma, mu });
}

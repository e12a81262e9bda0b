/**
 * Two agents crossing a small grid: a cooperative two-agent MDP in which the
 * agents must pass each other without colliding.
 *
 * Grid: `width` x `height` cells, cell c = y * width + x, y = 0 the top row.
 * Joint state s = c_0 * C + c_1 (C = width * height cells, agent 0 most
 * significant like the joint action), so S = C^2. Each agent has 5 actions
 * (GridAction: stay, up, right, down, left); a move off the grid leaves the
 * agent in place. Joint action a = a_0 * 5 + a_1.
 *
 * Default layout (both paths cross the middle of the grid):
 *   agent 0 starts bottom-left,  goal top-right;
 *   agent 1 starts bottom-right, goal top-left.
 *
 * Dynamics of one step from (c_0, c_1):
 *   1. each agent's move fails independently with probability `slip` (it
 *      stays instead), giving intended targets t_0, t_1;
 *   2. collision when t_0 = t_1 (same cell, including moving into a cell the
 *      other keeps) or t_0 = c_1 and t_1 = c_0 (swapping through each other):
 *      both stay and the team receives `collisionPenalty` (default -1);
 *   3. otherwise both move; reaching the joint goal (both on their goals) pays
 *      `goalReward` (default 1).
 * The joint goal state is absorbing with reward 0. States with c_0 = c_1 are
 * kept in the state space for a simple index but are never reached from
 * distinct starts. mu is a point mass on the start state.
 *
 * With slip = 0 and the default 3 x 3 layout each agent needs 4 moves and
 * collision-free 4-move paths exist, so the optimal eta is
 * goalReward * gamma^3.
 */
import { ValidationError } from "../core/errors.js";
import { checkAllocation, checkGamma, checkObject, checkOptions } from "../core/validate.js";
import { MultiAgentMdp } from "./multi-agent-mdp.js";

/** One agent's action in the gridworld. */
export enum GridAction {
  Stay = 0,
  Up = 1,
  Right = 2,
  Down = 3,
  Left = 4,
}

const DX = [0, 0, 1, 0, -1];
const DY = [0, -1, 0, 1, 0];

export interface GridworldOptions {
  /** Columns, an integer >= 2 (default 3). */
  width?: number;
  /** Rows, an integer >= 1 (default 3). */
  height?: number;
  /** Start cells [agent 0, agent 1] (distinct); default bottom-left and bottom-right. */
  starts?: readonly [number, number];
  /** Goal cells [agent 0, agent 1] (distinct); default top-right and top-left. */
  goals?: readonly [number, number];
  /** Probability in [0, 1) that an agent's move fails and it stays (default 0). */
  slip?: number;
  /** Reward of a collision, finite (default -1). */
  collisionPenalty?: number;
  /** Reward of reaching the joint goal, finite (default 1). */
  goalReward?: number;
  /** Discount in [0, 1), default 0.9. */
  gamma?: number;
  /** Storage of the joint MDP: "sparse" (default, CSR) or "dense". */
  format?: "sparse" | "dense";
}

export interface TwoAgentGridworld {
  /** The two-agent MDP (actionCounts [5, 5]); it owns its joint MDP. */
  mamdp: MultiAgentMdp;
  width: number;
  height: number;
  starts: readonly [number, number];
  goals: readonly [number, number];
  /** The absorbing joint goal state. */
  goalState: number;
  /** Cell index of column x, row y. */
  cell(x: number, y: number): number;
  /** Joint state of agent 0 on cell c0 and agent 1 on cell c1. */
  state(c0: number, c1: number): number;
  /** The two agents' cells in joint state s. */
  cells(s: number): [number, number];
}

function checkInteger(field: string, v: unknown, lo: number, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== "number" || !Number.isInteger(x) || x < lo || x > 64) {
    throw new ValidationError(field, `must be an integer in [${lo}, 64]`, x);
  }
  return x;
}

function checkFinite(field: string, v: unknown, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== "number" || !Number.isFinite(x)) throw new ValidationError(field, "must be a finite number", x);
  return x;
}

function checkPair(field: string, v: unknown, fallback: [number, number], C: number): [number, number] {
  const p = (v ?? fallback) as unknown[];
  if (!Array.isArray(p) || p.length !== 2) throw new ValidationError(field, "must be a pair of cells [agent 0, agent 1]", p);
  p.forEach((c, i) => {
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0 || c >= C) {
      throw new ValidationError(field, `cell must be an integer in [0, ${C})`, c, { agent: i });
    }
  });
  if (p[0] === p[1]) throw new ValidationError(field, "the two agents' cells must differ", p);
  return [p[0] as number, p[1] as number];
}

/**
 * Most cells the grid may have: the joint state space has C^2 states and 25 C^2
 * rows, built in TypeScript first (256 cells: 65536 states, 1.6 million rows).
 */
const MAX_CELLS = 256;
const OPTIONS = ["width", "height", "starts", "goals", "slip", "collisionPenalty", "goalReward", "gamma", "format"] as const;

/** Builds the two-agent gridworld (see the module comment). */
export function twoAgentGridworld(options: GridworldOptions = {}): TwoAgentGridworld {
  checkObject("options", options, "twoAgentGridworld: { width, height, ... }");
  checkOptions("options", options, OPTIONS, "twoAgentGridworld");
  const W = checkInteger("width", options.width, 2, 3);
  const H = checkInteger("height", options.height, 1, 3);
  const C = W * H;
  if (C > MAX_CELLS) {
    throw new ValidationError("width", `width x height must be at most ${MAX_CELLS} cells (the joint state space has (width x height)^2 states)`, W, { height: H });
  }
  const cell = (x: number, y: number): number => y * W + x;
  const starts = checkPair("starts", options.starts, [cell(0, H - 1), cell(W - 1, H - 1)], C);
  const goals = checkPair("goals", options.goals, [cell(W - 1, 0), cell(0, 0)], C);
  const slip = options.slip ?? 0;
  if (typeof slip !== "number" || !(slip >= 0 && slip < 1)) throw new ValidationError("slip", "must be a number in [0, 1)", slip);
  const collisionPenalty = checkFinite("collisionPenalty", options.collisionPenalty, -1);
  const goalReward = checkFinite("goalReward", options.goalReward, 1);
  const gamma = checkGamma("gamma", options.gamma ?? 0.9);
  const format = options.format ?? "sparse";
  if (format !== "sparse" && format !== "dense") throw new ValidationError("format", 'must be "sparse" or "dense"', format);
  if (format === "dense") checkAllocation("format", format, C * C * 25 * C * C * 8, { width: W, height: H });

  const S = C * C;
  const A = 25;
  const goalState = goals[0] * C + goals[1];
  const move = (c: number, action: number): number => {
    const x = (c % W) + DX[action];
    const y = Math.floor(c / W) + DY[action];
    return x < 0 || x >= W || y < 0 || y >= H ? c : cell(x, y);
  };

  const rowPtr = new Int32Array(S * A + 1);
  const cols: number[] = [];
  const probs: number[] = [];
  const R = new Float64Array(S * A);
  const outcome = new Map<number, number>();
  // Each agent's move succeeds (bit 1) or slips (bit 0): four cases with their probabilities.
  const cases = [0, 1, 2, 3].map((bits) => ({
    ok0: (bits & 1) !== 0,
    ok1: (bits & 2) !== 0,
    p: ((bits & 1) !== 0 ? 1 - slip : slip) * ((bits & 2) !== 0 ? 1 - slip : slip),
  }));
  for (let s = 0; s < S; s++) {
    const c0 = Math.floor(s / C);
    const c1 = s % C;
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      outcome.clear();
      if (s === goalState) outcome.set(s, 1);
      else {
        for (const { ok0, ok1, p } of cases) {
          if (p === 0) continue;
          const t0 = ok0 ? move(c0, Math.floor(a / 5)) : c0;
          const t1 = ok1 ? move(c1, a % 5) : c1;
          const collide = t0 === t1 || (t0 === c1 && t1 === c0 && t0 !== c0);
          const next = collide ? s : t0 * C + t1;
          if (collide) R[r] += p * collisionPenalty;
          else if (next === goalState) R[r] += p * goalReward;
          outcome.set(next, (outcome.get(next) ?? 0) + p);
        }
      }
      for (const next of [...outcome.keys()].sort((x, y) => x - y)) {
        cols.push(next);
        probs.push(outcome.get(next)!);
      }
      rowPtr[r + 1] = cols.length;
    }
  }
  const mu = new Float64Array(S);
  mu[starts[0] * C + starts[1]] = 1;
  let mamdp: MultiAgentMdp;
  if (format === "sparse") mamdp = MultiAgentMdp.fromSparse({ S, actionCounts: [5, 5], rowPtr, cols, probs, R, gamma, mu });
  else {
    const P = new Float64Array(S * A * S);
    for (let r = 0; r < S * A; r++) for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) P[r * S + cols[k]] = probs[k];
    mamdp = MultiAgentMdp.fromDense({ S, actionCounts: [5, 5], P, R, gamma, mu });
  }
  return {
    mamdp,
    width: W,
    height: H,
    starts,
    goals,
    goalState,
    cell,
    state: (c0, c1) => c0 * C + c1,
    cells: (s) => [Math.floor(s / C), s % C],
  };
}

/**
 * Example cooperative multi-agent MDPs: matrix games as one-state MDPs (the
 * climbing and penalty games of Claus & Boutilier 1998, "The dynamics of
 * reinforcement learning in cooperative multiagent systems", AAAI) and a
 * small two-agent gridworld.
 */
import { ValidationError } from "../core/errors.js";
import { checkGamma, checkObject, checkOptions } from "../core/validate.js";
import { MultiAgentMdp } from "./multi-agent-mdp.js";

export { twoAgentGridworld, type TwoAgentGridworld, type GridworldOptions, GridAction } from "./gridworld.js";

/** Options of the matrix games. */
export interface MatrixGameOptions {
  /** Discount of the self-loop, in [0, 1); default 0 (the one-shot game: eta = expected payoff). */
  gamma?: number;
}

/** The climbing game's payoffs (Claus & Boutilier 1998, table 3): optimum (0, 0) = 11 guarded by -30s. */
export const CLIMBING_PAYOFF: readonly (readonly number[])[] = Object.freeze([
  Object.freeze([11, -30, 0]),
  Object.freeze([-30, 7, 6]),
  Object.freeze([0, 0, 5]),
]);

/**
 * A two-agent cooperative matrix game as a one-state MDP: S = 1, the state
 * loops to itself, R(0, a) = payoff[a_0][a_1] with agent 0 choosing the row
 * (joint index a = a_0 * A_1 + a_1, as `MultiAgentMdp`), mu = [1]. With
 * discount gamma, V = r_pi + gamma V, so
 *
 *   eta(pi) = E_{a_0~pi_0, a_1~pi_1}[payoff[a_0][a_1]] / (1 - gamma).
 *
 * `payoff` is a rectangular table of finite numbers, rows = agent 0's actions.
 */
export function matrixGame(payoff: ArrayLike<ArrayLike<number>>, options: MatrixGameOptions = {}): MultiAgentMdp {
  checkObject("options", options, "matrixGame: { gamma }");
  checkOptions("options", options, ["gamma"], "matrixGame");
  if (payoff === null || typeof payoff !== "object" || !(payoff.length >= 1)) {
    throw new ValidationError("payoff", "must be a non-empty table payoff[a0][a1]", payoff);
  }
  const rows = payoff.length;
  const row0 = payoff[0];
  if (row0 === null || typeof row0 !== "object" || !(row0.length >= 1)) {
    throw new ValidationError("payoff", "rows must be non-empty arrays", row0, { row: 0 });
  }
  const cols = row0.length;
  const R = new Float64Array(rows * cols);
  for (let a0 = 0; a0 < rows; a0++) {
    const row = payoff[a0];
    if (row === null || typeof row !== "object" || row.length !== cols) {
      throw new ValidationError("payoff", `every row must have ${cols} entries`, row?.length ?? row, { row: a0 });
    }
    for (let a1 = 0; a1 < cols; a1++) {
      const v = row[a1];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new ValidationError("payoff", "entries must be finite numbers", v, { row: a0, column: a1 });
      }
      R[a0 * cols + a1] = v;
    }
  }
  const gamma = checkGamma("gamma", options.gamma ?? 0);
  return MultiAgentMdp.fromDense({
    S: 1,
    actionCounts: [rows, cols],
    P: new Float64Array(rows * cols).fill(1),
    R,
    gamma,
    mu: [1],
  });
}

/**
 * The climbing game (Claus & Boutilier 1998): payoffs
 * [[11, -30, 0], [-30, 7, 6], [0, 0, 5]]. The optimum (0, 0) is hard to
 * reach because miscoordinating next to it costs -30.
 */
export function climbingGame(options: MatrixGameOptions = {}): MultiAgentMdp {
  checkObject("options", options, "climbingGame: { gamma }");
  checkOptions("options", options, ["gamma"], "climbingGame");
  return matrixGame(CLIMBING_PAYOFF, options);
}

/**
 * The penalty game (Claus & Boutilier 1998): payoffs
 * [[k, 0, 10], [0, 2, 0], [10, 0, k]] with penalty k <= 0 (default -10):
 * two optimal equilibria (0, 2) and (2, 0), and miscoordinating between
 * them, (0, 0) or (2, 2), costs k.
 */
export function penaltyGame(options: MatrixGameOptions & { k?: number } = {}): MultiAgentMdp {
  checkObject("options", options, "penaltyGame: { gamma, k }");
  checkOptions("options", options, ["gamma", "k"], "penaltyGame");
  const k = options.k ?? -10;
  if (typeof k !== "number" || !Number.isFinite(k) || k > 0) {
    throw new ValidationError("k", "penalty must be a finite number <= 0", k);
  }
  return matrixGame(
    [
      [k, 0, 10],
      [0, 2, 0],
      [10, 0, k],
    ],
    { gamma: options.gamma },
  );
}

/**
 * Dense random MDPs in the style of pymdptoolbox's `mdptoolbox.example.rand`.
 *
 * pymdptoolbox: for each row (a, s) it draws a 0/1 mask (each entry kept when
 * a uniform exceeds a per-row uniform threshold, so rows are half non-zero on
 * average but vary from almost empty to full), forces one random entry on if
 * the row is empty, sets P = mask * uniform normalised to sum 1, and draws
 * transition rewards R[a][s][s'] = mask * uniform(-1, 1); its solvers then use
 * the expected reward sum_{s'} P R.
 *
 * Ours: each entry of row (s, a) is kept independently with probability
 * `density` (default 0.5, so every row is about half non-zero, what the
 * benchmarks ask for), with value uniform on (0, 1] (32-bit resolution: one
 * draw decides the mask and the value); an empty row gets one
 * random entry; the row is normalised. `rewards: "state-action"` (default)
 * draws R[s][a] uniform in [-1, 1) directly; `rewards: "transition"` draws
 * r(s, a, s') uniform in [-1, 1) on the kept entries and stores the expected
 * reward sum_{s'} P(s'|s,a) r(s, a, s'), as pymdptoolbox's solvers see it.
 * A user `mask` (0/1 of length S*S, shared by all actions and indexed
 * mask[s*S + s'], or S*A*S in our P layout) replaces the random one.
 *
 * Draw order: transitions come from `Rng(seed)` row by row (r = s*A + a: the
 * entries, then the rescue entry if needed); rewards come from a sub-stream
 * forked from it first, so the reward option never changes P.
 */
import { ValidationError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { f64Block, outsideWasm } from "../../core/arena.js";
import { type TabularMdp, adoptMdpBlocks, allocateMdpBlocks, fillMdpBlocks } from "../tabular-mdp.js";
import {
  isArrayLike,
  checkAllocation,
  checkFiniteNumber,
  checkFitsInMemory,
  checkGamma,
  checkObject,
  checkOptions,
  checkShape,
} from "../../core/validate.js";

const TWO_TO_MINUS_32 = 2 ** -32;

export interface RandomMdpOptions {
  S: number;
  A: number;
  /** Seed of the `Rng`, default 0. */
  seed?: number;
  /** Discount, default 0.9. */
  gamma?: number;
  /** Probability that a transition entry is non-zero, in (0, 1]; default 0.5. Ignored with `mask`. */
  density?: number;
  /** 0/1 entries of length S*S (mask[s*S + s'], all actions) or S*A*S (our P layout). */
  mask?: ArrayLike<number | boolean>;
  /** "state-action" (default): R[s][a] uniform in [-1, 1); "transition": expected reward of r(s,a,s') uniform in [-1, 1). */
  rewards?: "state-action" | "transition";
}

const OPTIONS = ["S", "A", "seed", "gamma", "density", "mask", "rewards"] as const;

/** Builds a dense random MDP (see the module comment). */
export function randomMdp(options: RandomMdpOptions): TabularMdp {
  checkObject("options", options, "randomMdp: { S, A, ... }");
  checkOptions("options", options, OPTIONS, "randomMdp");
  const { S, A } = checkShape(options.S, options.A);
  const gamma = checkGamma("gamma", options.gamma ?? 0.9);
  const seed = checkFiniteNumber("seed", options.seed ?? 0);
  const density = options.density ?? 0.5;
  if (typeof density !== "number" || !(density > 0 && density <= 1)) {
    throw new ValidationError("density", "must be a number in (0, 1]", density);
  }
  const rewardKind = options.rewards ?? "state-action";
  if (rewardKind !== "state-action" && rewardKind !== "transition") {
    throw new ValidationError("rewards", 'must be "state-action" or "transition"', rewardKind);
  }
  // A copy if it is a view of WebAssembly memory: it is read after the blocks are allocated.
  const mask: ArrayLike<unknown> | undefined =
    options.mask === undefined || !isArrayLike(options.mask) ? options.mask : outsideWasm(options.mask as ArrayLike<number>);
  let maskPerAction = false;
  if (mask !== undefined) {
    if (!isArrayLike(mask) || (mask.length !== S * S && mask.length !== S * A * S)) {
      throw new ValidationError("mask", `must have length S*S = ${S * S} or S*A*S = ${S * A * S}`, isArrayLike(mask) ? mask.length : typeof mask);
    }
    for (let i = 0; i < mask.length; i++) {
      const v = mask[i];
      if (v !== 0 && v !== 1 && v !== true && v !== false) {
        throw new ValidationError("mask", "entries must be 0 or 1 (or booleans)", v, { index: i });
      }
    }
    maskPerAction = mask.length === S * A * S;
  }
  checkFitsInMemory("P", S * A * S * 8, { S, A });
  checkAllocation("S", S, (S * A * S + S * A + S) * 8, { S, A });

  const blocks = allocateMdpBlocks("S", S, (take) => ({
    P: take(f64Block(S * A * S)),
    R: take(f64Block(S * A)),
    mu: take(f64Block(S)),
  }), { S, A });
  const maskIn = mask as ArrayLike<number | boolean> | undefined;
  fillMdpBlocks(blocks, () => fillRandom(blocks.P.view, blocks.R.view, blocks.mu.view, S, A, seed, density, maskIn, maskPerAction, rewardKind));
  return adoptMdpBlocks(S, A, gamma, blocks);
}

/** Draws the model into P, R and mu (see the module comment for the draw order). */
function fillRandom(
  P: Float64Array, R: Float64Array, mu: Float64Array, S: number, A: number, seed: number, density: number,
  mask: ArrayLike<number | boolean> | undefined, maskPerAction: boolean, rewardKind: "state-action" | "transition",
): void {
  mu.fill(1 / S);
  const rng = new Rng(seed);
  const rewardRng = rng.fork();
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const r = s * A + a;
      const base = r * S;
      const maskBase = maskPerAction ? base : s * S;
      let sum = 0;
      for (let j = 0; j < S; j++) {
        let v = 0;
        if (mask !== undefined) {
          if (mask[maskBase + j]) v = 1 - rng.random(); // (0, 1]: a kept entry is never 0
        } else {
          // One 32-bit uniform decides both (the benchmarks build 4e7 entries):
          // given u < density, u / density is uniform on [0, 1).
          const u = rng.nextUint32() * TWO_TO_MINUS_32;
          if (u < density) v = 1 - u / density;
        }
        P[base + j] = v;
        sum += v;
      }
      if (sum === 0) {
        const j = rng.int(S);
        P[base + j] = 1;
        sum = 1;
      }
      for (let j = 0; j < S; j++) P[base + j] /= sum;
      if (rewardKind === "transition") {
        let expected = 0;
        for (let j = 0; j < S; j++) if (P[base + j] !== 0) expected += P[base + j] * rewardRng.uniform(-1, 1);
        R[r] = expected;
      }
    }
  }
  if (rewardKind === "state-action") for (let r = 0; r < S * A; r++) R[r] = rewardRng.uniform(-1, 1);
}

/**
 * Generalised advantage estimation (Schulman, Moritz, Levine, Jordan & Abbeel
 * 2016, "High-Dimensional Continuous Control Using Generalized Advantage
 * Estimation", eq. 16), over a rollout of nSteps x numEnvs transitions laid out
 * row-major [t * numEnvs + e] (kernel in assembly/returns/gae.ts):
 *
 *   delta_t = r_t + gamma * next_t - V(s_t),   A_t = delta_t + gamma * lambda * (1 - ended_t) * A_{t+1}
 *   returns_t = A_t + V(s_t)   (the value targets, TD(lambda) returns)
 *
 * next_t is V(s_{t+1}) inside an episode (V of `lastValues` after the last
 * row). When the episode ends on step t the trace is cut, and next_t is
 * V(final observation) for a time-limit truncation (bootstrap: the state was
 * not terminal; SB3 adds gamma * V(final_obs) to the reward, which is the
 * same) and 0 for a termination. lambda = 1 gives Monte-Carlo returns minus
 * values, lambda = 0 the one-step TD error (rlax's identities).
 */
import { ValidationError } from "../core/errors.js";
import { f64Block, scratch, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { checkBlock, checkDimension, checkObject, checkOptions, isArrayLike, kindOf } from "../core/validate.js";

export interface GaeInput {
  /** nSteps x numEnvs rewards r_t. */
  rewards: ArrayLike<number>;
  /** nSteps x numEnvs values V(s_t). */
  values: ArrayLike<number>;
  /** numEnvs values of the observations after the last row, V(s_nSteps). */
  lastValues: ArrayLike<number>;
  /** nSteps x numEnvs flags (0/1): the episode ended on step t with a true end (no bootstrap). */
  terminated: ArrayLike<number>;
  /** nSteps x numEnvs flags (0/1): the episode ended on step t by the time limit (bootstrap). */
  truncated: ArrayLike<number>;
  /** nSteps x numEnvs V(final observation), read where truncated and not terminated. */
  finalValues?: ArrayLike<number>;
  numEnvs: number;
  gamma: number;
  /** lambda in [0, 1]. */
  lambda: number;
  /** "simd" (default) or "scalar": the kernel's scalar twin. */
  kernel?: "simd" | "scalar";
}

export interface GaeResult {
  advantages: Float64Array;
  returns: Float64Array;
}

/** Checks gamma in [0, 1] and lambda in [0, 1]. */
export function checkGaeCoefficients(gamma: number, lambda: number): void {
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma <= 1)) throw new ValidationError("gamma", "must be in [0, 1]", gamma);
  if (typeof lambda !== "number" || !(lambda >= 0 && lambda <= 1)) throw new ValidationError("lambda", "must be in [0, 1]", lambda);
}

/** The blocks of the GAE kernel (all f64, nSteps x numEnvs except lastValues: numEnvs). */
export interface GaeBlocks {
  rewards: Block<"f64">;
  values: Block<"f64">;
  lastValues: Block<"f64">;
  /** 1.0 where the episode ended on step t (terminated or truncated), else 0.0. */
  ended: Block<"f64">;
  /** V(final observation) where truncated and not terminated, 0 elsewhere. */
  boot: Block<"f64">;
  advantages: Block<"f64">;
  returns: Block<"f64">;
}

/** Runs the GAE kernel on arena blocks (shapes are the caller's responsibility: the rollout buffer's). */
export function gaeOnBlocks(
  b: GaeBlocks, nSteps: number, numEnvs: number, gamma: number, lambda: number, kernel: "simd" | "scalar" = "simd",
): void {
  // O(1) checks, once per rollout: the kernel trusts these sizes.
  const where = { function: "gaeOnBlocks" };
  checkDimension("nSteps", nSteps, where);
  checkDimension("numEnvs", numEnvs, where);
  checkGaeCoefficients(gamma, lambda);
  checkObject("b", b, "gaeOnBlocks: the GAE blocks", where);
  const n = nSteps * numEnvs;
  for (const name of ["rewards", "values", "ended", "boot", "advantages", "returns"] as const) checkBlock(`b.${name}`, b[name], "f64", n, where);
  checkBlock("b.lastValues", b.lastValues, "f64", numEnvs, where);
  if (kernel !== "simd" && kernel !== "scalar") throw new ValidationError("kernel", 'must be "simd" or "scalar"', kernel, where);
  const k = kernels();
  const fn = kernel === "scalar" ? k.returnsGaeScalar : k.returnsGaeSimd;
  fn(b.rewards.ptr, b.values.ptr, b.lastValues.ptr, b.ended.ptr, b.boot.ptr, b.advantages.ptr, b.returns.ptr,
    nSteps, numEnvs, gamma, lambda);
}

function finiteArray(field: string, a: ArrayLike<number> | undefined, n: number): ArrayLike<number> {
  if (!isArrayLike(a)) throw new ValidationError(field, "must be an array of numbers", kindOf(a));
  if (a.length !== n) throw new ValidationError(field, `must hold ${n} values`, a.length);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(a[i])) throw new ValidationError(field, "must be finite", a[i], { index: i });
  }
  return a;
}

/** GAE advantages and value targets for a rollout given as plain arrays (see the file comment). */
const INPUT_KEYS = ["rewards", "values", "lastValues", "terminated", "truncated", "finalValues", "numEnvs", "gamma", "lambda", "kernel"] as const;

export function generalizedAdvantageEstimation(input: GaeInput): GaeResult {
  checkObject("input", input, "generalizedAdvantageEstimation: { rewards, values, lastValues, terminated, truncated, ... }");
  checkOptions("input", input, INPUT_KEYS, "generalizedAdvantageEstimation", "field");
  const { numEnvs, gamma, lambda } = input;
  if (typeof numEnvs !== "number" || !Number.isInteger(numEnvs) || numEnvs < 1) throw new ValidationError("numEnvs", "must be an integer >= 1", numEnvs);
  checkGaeCoefficients(gamma, lambda);
  const kernel = input.kernel ?? "simd";
  if (kernel !== "simd" && kernel !== "scalar") throw new ValidationError("kernel", 'must be "simd" or "scalar"', kernel);
  if (!isArrayLike(input.rewards)) throw new ValidationError("rewards", "must be an array of numbers", kindOf(input.rewards));
  const n = input.rewards.length;
  if (n % numEnvs !== 0) throw new ValidationError("rewards", `length must be a multiple of numEnvs = ${numEnvs}`, n);
  const nSteps = n / numEnvs;
  const rewards = finiteArray("rewards", input.rewards, n);
  const values = finiteArray("values", input.values, n);
  const lastValues = finiteArray("lastValues", input.lastValues, numEnvs);
  const terminated = finiteArray("terminated", input.terminated, n);
  const truncated = finiteArray("truncated", input.truncated, n);
  const finalValues = input.finalValues;
  if (finalValues !== undefined && (!isArrayLike(finalValues) || finalValues.length !== n)) {
    throw new ValidationError("finalValues", `must hold ${n} values (one per step and copy)`, isArrayLike(finalValues) ? finalValues.length : kindOf(finalValues));
  }
  return scratch((take) => {
    const blocks: GaeBlocks = {
      rewards: take(f64Block(n, rewards)),
      values: take(f64Block(n, values)),
      lastValues: take(f64Block(numEnvs, lastValues)),
      ended: take(f64Block(n)),
      boot: take(f64Block(n)),
      advantages: take(f64Block(n)),
      returns: take(f64Block(n)),
    };
    const ended = blocks.ended.view;
    const boot = blocks.boot.view;
    for (let i = 0; i < n; i++) {
      const term = terminated[i] !== 0;
      const trunc = truncated[i] !== 0;
      ended[i] = term || trunc ? 1 : 0;
      boot[i] = 0;
      if (trunc && !term) {
        const v = finalValues?.[i];
        if (v === undefined || !Number.isFinite(v)) {
          throw new ValidationError("finalValues", "must give a finite V(final observation) for every truncated step", v, {
            step: Math.floor(i / numEnvs), env: i % numEnvs,
          });
        }
        boot[i] = v;
      }
    }
    gaeOnBlocks(blocks, nSteps, numEnvs, gamma, lambda, kernel);
    return { advantages: blocks.advantages.toArray(), returns: blocks.returns.toArray() };
  });
}

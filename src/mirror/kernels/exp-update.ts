/**
 * The exponential (policy mirror descent / NPG) update in log space, over all
 * states at once (kernel: assembly/mirror/exp-update.ts).
 */
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { forChunks } from "../../core/chunks.js";
import { checkArray, checkLogPolicy, checkTable, checkShape } from "../../core/validate.js";
import { ValidationError } from "../../core/errors.js";

/**
 * Exponential update: per state s,
 *   logOut[s,a] = logPi[s,a] + coef[s] adv[s,a] - log sum_b exp(logPi[s,b] + coef[s] adv[s,b]),
 * the argmax of <p, adv_s> - KL(p || pi_s) / coef[s] (Xiao 2022, "On the
 * Convergence Rates of Policy Gradient Methods"; Alfano, Yuan & Rebeschini 2023,
 * "A Novel Framework for Policy Mirror Descent with General Parameterization and
 * Linear Convergence"). Computed by log-sum-exp so the log-policy never
 * underflows (probabilities below the smallest normal double, 2.2e-308, flush
 * to 0; their logs stay exact); -inf entries of logPi stay -inf.
 * logPi, adv: S*A (s*A + a); coef: S finite numbers. Returns fresh arrays
 * unless `out` / `logOut` are given.
 */
export function expUpdate(
  logPi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  S: number,
  A: number,
  out = new Float64Array(S * A),
  logOut = new Float64Array(S * A),
): { policy: Float64Array; logPolicy: Float64Array } {
  ({ S, A } = checkShape(S, A));
  checkLogPolicy("logPolicy", logPi, S, A);
  checkTable("advantage", adv, S, A);
  checkArray("coef", coef, S, "S");
  for (let s = 0; s < S; s++) {
    if (!Number.isFinite(coef[s])) throw new ValidationError("coef", "must be finite", coef[s], { state: s });
  }
  checkArray("out", out, S * A, "S*A");
  checkArray("logOut", logOut, S * A, "S*A");
  expUpdateUnchecked(logPi, adv, coef, S, A, out, logOut);
  return { policy: out, logPolicy: logOut };
}

/** @internal expUpdate without the checks, for callers that validated already. */
export function expUpdateUnchecked(
  logPi: Float64Array,
  adv: Float64Array,
  coef: Float64Array,
  S: number,
  A: number,
  out: Float64Array,
  logOut: Float64Array,
): void {
  const n = S * A;
  scratch((take) => {
    const l = take(f64Block(n, logPi));
    const q = take(f64Block(n, adv));
    const c = take(f64Block(S, coef));
    const o = take(f64Block(n));
    const lo = take(f64Block(n));
    kernels().mirrorExpUpdateSimd(l.ptr, q.ptr, c.ptr, S, A, o.ptr, lo.ptr);
    out.set(o.view);
    logOut.set(lo.view);
  });
}

/**
 * @internal The check of a log-policy against its policy (kernel mirrorLogPolicyCheckSimd):
 * the first state s whose sum_a exp logPi[s,a] is not 1 within 1e-9 (-1 if none) with that
 * sum, and max |exp logPi - pi| over all entries. logPi: S*A entries <= 0 or -inf, checked by
 * the caller; pi: S*A. The row sums are read in WebAssembly memory (no S-array copy).
 * The kernel's exp has a relative error below 2.5e-12 (assembly/mirror/math.ts expCheckV):
 * sums and gaps are those of exact exps to 2.5e-12, far inside the 1e-9 tolerances.
 */
export function logPolicyCheckUnchecked(
  logPi: Float64Array, pi: Float64Array, S: number, A: number,
): { worst: number; badRow: number; badSum: number } {
  return scratch((take) => {
    const l = take(f64Block(S * A, logPi));
    const p = take(f64Block(S * A, pi));
    const o = take(f64Block(S));
    const k = kernels();
    // In chunks of states (src/core/chunks.ts): the same row sums, the largest of the chunks' worst.
    let worst = 0;
    forChunks(S, (s0, m) => {
      const at = 8 * s0 * A;
      worst = Math.max(worst, k.mirrorLogPolicyCheckSimd(l.ptr + at, p.ptr + at, m, A, o.ptr + 8 * s0));
    });
    const rowSum = o.view;
    for (let s = 0; s < S; s++) {
      if (!(Math.abs(rowSum[s] - 1) <= 1e-9)) return { worst, badRow: s, badSum: rowSum[s] };
    }
    return { worst, badRow: -1, badSum: 1 };
  });
}

/** What `expStepUnchecked` returns: the new policy, its log, and KL(pi_new(.|s) || pi(.|s)) per state. */
export interface ExpStep {
  policy: Float64Array;
  logPolicy: Float64Array;
  kl: Float64Array;
}

/**
 * @internal The whole reverse-KL (NPG) step over all states in one WebAssembly scope, so each
 * S*A table crosses the boundary once and no S*A temporary is built in JavaScript (the step's
 * cost at S*A ~ 10^6..10^7 is in those copies and allocations, not in the kernels):
 *   logOut = expUpdate(logPi, adv, coef)   (logPi = log pi when not given),
 *   then `restore` may overwrite rows of (out, logOut) in place (states that keep pi_old),
 *   then kl[s] = KL(out_s || pi_s) (kernel mirrorKlSimd, as perStateKl).
 * Same kernels, same inputs as expUpdateUnchecked (after mirrorLogSimd when logPi is not given)
 * followed by perStateKlUnchecked(out, pi), so the same numbers (the kernels go state by state, here in
 * chunks of states: src/core/chunks.ts). `fillCoef` writes coef (S finite numbers) into
 * WebAssembly memory; neither callback may allocate WebAssembly memory. pi: a checked policy.
 */
export function expStepUnchecked(
  pi: Float64Array,
  logPi: Float64Array | undefined,
  adv: Float64Array,
  S: number,
  A: number,
  fillCoef: (coef: Float64Array) => void,
  restore: (out: Float64Array, logOut: Float64Array) => void,
): ExpStep {
  const n = S * A;
  const k = kernels();
  return scratch((take) => {
    const l = take(f64Block(n, logPi ?? pi));
    // Elementwise, so in place is safe.
    if (!logPi) forChunks(S, (s0, m) => k.mirrorLogSimd(l.ptr + 8 * s0 * A, m * A, l.ptr + 8 * s0 * A));
    const q = take(f64Block(n, adv));
    const c = take(f64Block(S));
    fillCoef(c.view);
    const o = take(f64Block(n));
    const lo = take(f64Block(n));
    forChunks(S, (s0, m) => {
      const at = 8 * s0 * A;
      k.mirrorExpUpdateSimd(l.ptr + at, q.ptr + at, c.ptr + 8 * s0, m, A, o.ptr + at, lo.ptr + at);
    });
    restore(o.view, lo.view);
    // The advantage is done with: its memory takes pi, so the step never holds five S*A blocks.
    q.free();
    const p = take(f64Block(n, pi));
    const kl = take(f64Block(S));
    forChunks(S, (s0, m) => k.mirrorKlSimd(o.ptr + 8 * s0 * A, p.ptr + 8 * s0 * A, m, A, kl.ptr + 8 * s0));
    return { policy: o.toArray(), logPolicy: lo.toArray(), kl: kl.toArray() };
  });
}

/** log of every entry of x (x >= 0; log 0 = -inf), through the SIMD kernel. */
export function logOf(x: Float64Array, out = new Float64Array(x.length)): Float64Array {
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0)) throw new ValidationError("x", "must be >= 0", x[i], { index: i });
  }
  scratch((take) => {
    const b = take(f64Block(x.length, x));
    const o = take(f64Block(x.length));
    kernels().mirrorLogSimd(b.ptr, x.length, o.ptr);
    out.set(o.view);
  });
  return out;
}

/**
 * Categorical policy head over f32 logits in WebAssembly memory (kernels in
 * assembly/nn/categorical.ts), rows x A row-major, with optional action masks
 * (u8, 0 = not allowed; as in SB3-contrib's MaskablePPO):
 *
 *   log pi(j) = l_j - logsumexp_allowed(l),  -inf for masked j
 *   H = -sum_j pi_j log pi_j,   KL(P || Q) = sum_j p_j (log p_j - log q_j)
 *
 * with gradients with respect to the logits. The row maximum is subtracted
 * before exponentiating, so logits of any finite size are safe. A row with no
 * allowed action, a NaN or infinite allowed logit, and a chosen action that is
 * out of range or masked are ValidationErrors naming the row.
 */
import { kernels } from "../core/wasm.js";
import { arena } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { checkCount, checkRef, f32View, type F32Ref, type I32Ref, type U8Ref } from "./tensor.js";
import { expF32 } from "./mathf32.js";

export interface CategoricalForwardArgs {
  /** rows x actionCount logits. */
  logits: F32Ref;
  /** rows x actionCount log-probabilities out (may be `logits` itself). */
  logp: F32Ref;
  rows: number;
  actionCount: number;
  /** rows x actionCount, 0 = action not allowed. */
  mask?: U8Ref;
  /** rows chosen actions in [0, actionCount) (needed for `logpAct`). */
  actions?: I32Ref;
  /** rows out: log pi(actions[r] | r). */
  logpAct?: F32Ref;
  /** rows out: entropy of each row's distribution. */
  entropy?: F32Ref;
}

function checkRows(rows: number, actionCount: number): void {
  checkCount("rows", rows);
  checkCount("actionCount", actionCount, 1);
}

/** Log-softmax (masked), log-probabilities of the chosen actions and entropies. */
export function categoricalForward(args: CategoricalForwardArgs): void {
  const { logits, logp, rows, actionCount: A, mask, actions, logpAct, entropy } = args;
  checkRows(rows, A);
  checkRef("logits", logits, "f32", rows * A);
  checkRef("logp", logp, "f32", rows * A);
  if (mask) checkRef("mask", mask, "u8", rows * A);
  if (actions) checkRef("actions", actions, "i32", rows);
  if (logpAct) {
    if (!actions) throw new ValidationError("logpAct", "needs the chosen actions", undefined);
    checkRef("logpAct", logpAct, "f32", rows);
  }
  if (entropy) checkRef("entropy", entropy, "f32", rows);
  const bad = kernels().nnCategoricalForwardSimd(
    logits.ptr, mask?.ptr ?? 0, actions?.ptr ?? 0, logp.ptr, logpAct?.ptr ?? 0, entropy?.ptr ?? 0, rows, A,
  );
  if (bad >= 0) diagnose(bad, A, logits, mask, actions);
}

/** Throws the ValidationError for row `row`, which the kernel found invalid. */
function diagnose(row: number, A: number, logits: F32Ref, mask?: U8Ref, actions?: I32Ref): never {
  const buffer = arena().buffer;
  const m = mask ? new Uint8Array(buffer, mask.ptr + row * A, A) : undefined;
  const l = new Float32Array(buffer, logits.ptr + 4 * row * A, A);
  if (m && m.every((v) => v === 0)) {
    throw new ValidationError("mask", "allows no action in this row", Array.from(m), { row });
  }
  for (let j = 0; j < A; j++) {
    if ((!m || m[j] !== 0) && !Number.isFinite(l[j])) {
      throw new ValidationError("logits", "must be finite for allowed actions", l[j], { row, action: j });
    }
  }
  const a = new Int32Array(buffer, actions!.ptr + 4 * row, 1)[0];
  if (a < 0 || a >= A) throw new ValidationError("actions", `must be in [0, ${A})`, a, { row });
  throw new ValidationError("actions", "chooses an action the mask forbids", a, { row });
}

/** Either an f32 array with one value per row or one number for every row. */
export type RowValues = F32Ref | number;

function upstream(field: string, g: RowValues | undefined, rows: number): [number, number] {
  if (g === undefined) throw new ValidationError(field, "is needed for this term", g);
  if (typeof g === "number") {
    if (!Number.isFinite(g)) throw new ValidationError(field, "must be finite", g);
    return [0, g];
  }
  checkRef(field, g, "f32", rows);
  return [g.ptr, 0];
}

export interface CategoricalBackwardArgs {
  /** rows x actionCount log-probabilities from `categoricalForward`. */
  logp: F32Ref;
  rows: number;
  actionCount: number;
  /** rows x actionCount gradient out (overwritten, or added to with `accumulate`). */
  dLogits: F32Ref;
  /** Chosen actions: include the term sum_r gLogp_r log pi(a_r). */
  actions?: I32Ref;
  /** dLoss / d log pi(a_r), per row or one value for all rows. */
  gLogp?: RowValues;
  /** Entropies from `categoricalForward`: include the term sum_r gEntropy_r H_r. */
  entropy?: F32Ref;
  /** dLoss / dH_r, per row or one value for all rows. */
  gEntropy?: RowValues;
  accumulate?: boolean;
}

/**
 * Gradient of sum_r [gLogp_r log pi(a_r | r) + gEntropy_r H_r] with respect to the logits:
 *   d l_j = gLogp (1[j = a] - pi_j) - gEntropy pi_j (log pi_j + H),  0 for masked j.
 */
export function categoricalBackward(args: CategoricalBackwardArgs): void {
  const { logp, rows, actionCount: A, dLogits, actions, entropy } = args;
  checkRows(rows, A);
  checkRef("logp", logp, "f32", rows * A);
  checkRef("dLogits", dLogits, "f32", rows * A);
  let gl: [number, number] = [0, 0];
  let ge: [number, number] = [0, 0];
  if (actions) {
    checkRef("actions", actions, "i32", rows);
    gl = upstream("gLogp", args.gLogp, rows);
  }
  if (entropy) {
    checkRef("entropy", entropy, "f32", rows);
    ge = upstream("gEntropy", args.gEntropy, rows);
  }
  kernels().nnCategoricalBackwardSimd(
    logp.ptr, actions?.ptr ?? 0, gl[0], gl[1], entropy?.ptr ?? 0, ge[0], ge[1], dLogits.ptr, rows, A,
    args.accumulate ? 1 : 0,
  );
}

export interface CategoricalKlArgs {
  /** rows x actionCount log-probabilities of P and of Q. */
  logpP: F32Ref;
  logpQ: F32Ref;
  rows: number;
  actionCount: number;
}

/** out[r] = KL(P_r || Q_r) (a few ulps below 0 at worst when P = Q). */
export function categoricalKl(args: CategoricalKlArgs & { out: F32Ref }): void {
  const { logpP, logpQ, out, rows, actionCount: A } = args;
  checkRows(rows, A);
  checkRef("logpP", logpP, "f32", rows * A);
  checkRef("logpQ", logpQ, "f32", rows * A);
  checkRef("out", out, "f32", rows);
  kernels().nnCategoricalKlSimd(logpP.ptr, logpQ.ptr, out.ptr, rows, A);
}

export interface CategoricalKlBackwardArgs extends CategoricalKlArgs {
  /** KL values from `categoricalKl` (needed for dP). */
  kl?: F32Ref;
  /** dLoss / dKL_r, per row or one value for all rows. */
  g: RowValues;
  /** rows x actionCount gradients out with respect to P's and Q's logits. */
  dP?: F32Ref;
  dQ?: F32Ref;
  accumulate?: boolean;
}

/**
 * Gradients of sum_r g_r KL(P_r || Q_r):
 *   d lq_j = g (q_j - p_j),   d lp_j = g p_j (log p_j - log q_j - KL).
 */
export function categoricalKlBackward(args: CategoricalKlBackwardArgs): void {
  const { logpP, logpQ, kl, dP, dQ, rows, actionCount: A } = args;
  checkRows(rows, A);
  checkRef("logpP", logpP, "f32", rows * A);
  checkRef("logpQ", logpQ, "f32", rows * A);
  if (dP) {
    checkRef("dP", dP, "f32", rows * A);
    if (!kl) throw new ValidationError("kl", "is needed for the gradient with respect to P", kl);
    checkRef("kl", kl, "f32", rows);
  }
  if (dQ) checkRef("dQ", dQ, "f32", rows * A);
  const [gp, gs] = upstream("g", args.g, rows);
  kernels().nnCategoricalKlBackwardSimd(
    logpP.ptr, logpQ.ptr, kl?.ptr ?? 0, gp, gs, dP?.ptr ?? 0, dQ?.ptr ?? 0, rows, A, args.accumulate ? 1 : 0,
  );
}

/**
 * Draws one action per row from pi = exp(logp) with `rng` (inverse CDF; one
 * uniform per row), writing out[r]. Masked actions (log-probability -inf) are
 * never drawn. The probabilities are the kernels' f32 exponentials, so a seed
 * gives the same actions in every JavaScript engine.
 */
export function categoricalSample(logp: F32Ref, rows: number, actionCount: number, rng: Rng, out: Int32Array): Int32Array {
  checkRows(rows, actionCount);
  checkRef("logp", logp, "f32", rows * actionCount);
  if (out.length < rows) throw new ValidationError("out", `holds ${out.length} values, ${rows} needed`, out.length);
  const lp = f32View(logp, rows * actionCount);
  for (let r = 0; r < rows; r++) {
    const base = r * actionCount;
    let u = rng.random();
    let pick = -1;
    for (let j = 0; j < actionCount; j++) {
      const v = lp[base + j];
      if (v === -Infinity) continue;
      pick = j; // rounding can leave u > 0 after the last allowed action: keep that one
      u -= expF32(v);
      if (u < 0) break;
    }
    out[r] = pick;
  }
  return out;
}

/** The most probable action of each row (ties to the lowest index), for deterministic play. */
export function categoricalMode(logp: F32Ref, rows: number, actionCount: number, out: Int32Array): Int32Array {
  checkRows(rows, actionCount);
  checkRef("logp", logp, "f32", rows * actionCount);
  if (out.length < rows) throw new ValidationError("out", `holds ${out.length} values, ${rows} needed`, out.length);
  const lp = f32View(logp, rows * actionCount);
  for (let r = 0; r < rows; r++) {
    const base = r * actionCount;
    let best = 0;
    for (let j = 1; j < actionCount; j++) if (lp[base + j] > lp[base + best]) best = j;
    out[r] = best;
  }
  return out;
}

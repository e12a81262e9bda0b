/**
 * PPO's policy loss as Mirror Learning's sample-based objective: PPO is
 * Mirror Learning with the clip drift (Kuba, Schroeder de Witt & Foerster
 * 2022, "Mirror Learning: A Unifying Framework of Policy Optimisation";
 * Schulman et al. 2017, "Proximal Policy Optimization Algorithms"). Per sample, with
 * r = pi_new(a|s) / pi_old(a|s) and advantage A:
 *
 *   objective = r A - D_clip,   D_clip = ReLU((r - clip(r, 1 - eps, 1 + eps)) A)   (clipDrift(eps).sampleEstimate)
 *             = min(r A, clip(r, 1 - eps, 1 + eps) A)                               (SB3 / CleanRL)
 *   loss = -mean(objective),   d loss / d log pi_new = -(r A - dD/dlog pi_new) / rows
 *
 * The kernel (assembly/agents/ppo-loss.ts) evaluates this with the drift's
 * epsilon in one scalar pass (exp is compiled into WebAssembly, so the bits do
 * not depend on the JavaScript engine) and also returns SB3's clip fraction
 * and approx_kl = mean((r - 1) - log r) (Schulman's k3 estimator).
 */
import { ValidationError } from "../core/errors.js";
import type { Drift } from "../mirror/index.js";
import { f32Block, f64Block, scratch, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { checkRef, type F32Ref } from "../nn/tensor.js";

export interface ClipLossStats {
  /** -mean(r A - D). */
  policyLoss: number;
  /** mean D_clip (how much the clip drift takes away). */
  drift: number;
  /** Fraction of rows with |r - 1| > eps. */
  clipFraction: number;
  /** mean((r - 1) - log r). */
  approxKl: number;
}

/** The epsilon of a clip drift (the only drift with a PPO kernel). */
export function clipEpsilon(drift: Drift): number {
  if (!drift || drift.kind !== "clip" || !(typeof drift.epsilon === "number" && drift.epsilon > 0)) {
    throw new ValidationError("drift", "PPO's loss needs a clip drift (clipDrift(epsilon))", drift?.name ?? drift);
  }
  if (drift.coefficient !== undefined && drift.coefficient !== 1) {
    throw new ValidationError("drift", "PPO's loss uses the clip drift with scale 1", drift.coefficient);
  }
  return drift.epsilon;
}

/**
 * Writes gLogp[r] = d loss / d log pi_new(a_r) for `rows` rows (f32 refs in
 * WebAssembly memory) and returns the loss statistics; `stats` is a 4-value
 * f64 scratch block.
 */
export function ppoClipLossInto(
  epsilon: number, logpOld: F32Ref, logpNew: F32Ref, advantages: F32Ref, gLogp: F32Ref, rows: number, stats: Block<"f64">,
): ClipLossStats {
  if (!Number.isInteger(rows) || rows < 1) throw new ValidationError("rows", "must be an integer >= 1", rows);
  checkRef("logpOld", logpOld, "f32", rows);
  checkRef("logpNew", logpNew, "f32", rows);
  checkRef("advantages", advantages, "f32", rows);
  checkRef("gLogp", gLogp, "f32", rows);
  kernels().agentsPpoClipLoss(logpOld.ptr, logpNew.ptr, advantages.ptr, gLogp.ptr, stats.ptr, rows, epsilon);
  const s = stats.view;
  return { policyLoss: -s[0] / rows, drift: s[1] / rows, clipFraction: s[2] / rows, approxKl: s[3] / rows };
}

/** The same on plain arrays, with the clip drift object: loss statistics and the per-row gradient. */
export function ppoClipLoss(
  drift: Drift, logpOld: ArrayLike<number>, logpNew: ArrayLike<number>, advantages: ArrayLike<number>,
): ClipLossStats & { gLogp: Float32Array } {
  const eps = clipEpsilon(drift);
  const n = logpOld.length;
  for (const [field, a] of [["logpNew", logpNew], ["advantages", advantages]] as const) {
    if (a.length !== n) throw new ValidationError(field, `must hold ${n} values like logpOld`, a.length);
  }
  return scratch((take) => {
    const g = take(f32Block(n));
    const stats = ppoClipLossInto(eps, take(f32Block(n, logpOld)), take(f32Block(n, logpNew)), take(f32Block(n, advantages)), g,
      n, take(f64Block(4)));
    return { ...stats, gLogp: g.toArray() };
  });
}

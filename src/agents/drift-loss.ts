/**
 * The sample-based Mirror Learning policy loss for any drift (Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning: A Unifying Framework
 * of Policy Optimisation"; the per-sample estimators are the drifts' own,
 * src/mirror/drift.ts). Per minibatch row i, a sample s_i ~ beta,
 * a_i ~ pi_old(.|s_i), with r_i = pi(a_i|s_i) / pi_old(a_i|s_i), advantage
 * A_i and drift weight w_i = nu(s_i) / beta(s_i) (1 on-policy):
 *
 *   loss = -(1/n) sum_i [ r_i A_i - w_i D_i ],   D_i the drift's estimate, E_{a~pi_old}[D_i] = D_old(pi | s_i),
 *   d loss / d log pi(a_i|s_i) = -(r_i A_i - w_i dD_i/dlog pi) / n,
 *
 * the objective the exact step maximises, E_{s~beta}[E_{a~pi} A_old - w D_old].
 * Three paths compute it, chosen once per update by `driftLossPath`:
 *
 *   - "clip": the clip drift with scale 1 and no weights, PPO's kernel
 *     (assembly/agents/ppo-loss.ts, f64 per row; SB3's clip fraction);
 *   - "kernel": the zero, forward-KL, reverse-KL and squared-L2 drifts, an
 *     f32 SIMD kernel with a scalar twin (assembly/agents/drift-loss.ts;
 *     plain-TypeScript twin ./drift-loss.twin.ts);
 *   - "estimator": every other drift with a per-sample estimator (a
 *     `customDrift` with `sample` or `sampleEstimate`/`sampleGradient`; a
 *     scaled or weighted clip drift): plain TypeScript calling the drift's
 *     `sample.value` and `sample.derivative` (in the ratio) once per row,
 *     slower than the kernels, and the only path that runs user code.
 *
 * The squared-TV drift has no single-sample estimator (see drift.ts): it
 * is rejected, as is a custom drift that brings none.
 */
import { ValidationError } from "../core/errors.js";
import type { Drift, DriftKind } from "../mirror/index.js";
import { f32Block, f64Block, scratch, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { checkRef, f32View, type F32Ref } from "../nn/tensor.js";
import { ppoClipLossInto, type ClipLossStats } from "./ppo-loss.js";

/** The drift codes of the kernel (assembly/agents/drift-loss.ts). */
export const DRIFT_LOSS_KERNEL_KINDS: Readonly<Partial<Record<DriftKind, number>>> = Object.freeze({
  zero: 0, forwardKl: 1, reverseKl: 2, squaredL2: 3,
});

/** Statistics of a minibatch's policy loss (clipFraction: the clip drift's |r - 1| > eps fraction, 0 for other drifts). */
export type DriftLossStats = ClipLossStats;

/** How a drift's minibatch loss is computed (see the module comment). */
export type DriftLossPath =
  | { readonly path: "clip"; readonly epsilon: number }
  | { readonly path: "kernel"; readonly kind: number; readonly coefficient: number }
  | { readonly path: "estimator"; readonly drift: Drift };

const F32_MAX = 3.4028234663852886e38;

/**
 * The path of `drift` (a resolved drift object); `weighted`: the rows carry
 * drift weights w_i (the clip kernel has none). Throws a ValidationError
 * naming `field` for a drift without a per-sample estimator, or a
 * coefficient beyond f32's range (the kernel computes in f32).
 */
export function driftLossPath(drift: Drift, field = "drift", weighted = false): DriftLossPath {
  if (drift.kind === "clip" && drift.coefficient === 1 && !weighted && typeof drift.epsilon === "number" && drift.epsilon > 0) {
    return { path: "clip", epsilon: drift.epsilon };
  }
  const code = DRIFT_LOSS_KERNEL_KINDS[drift.kind];
  if (code !== undefined) {
    const C = drift.coefficient;
    if (!(C >= 0 && C <= F32_MAX)) {
      const why = drift.kind === "reverseKl" ? " (1/eta: eta is too small for a gradient step)" : "";
      throw new ValidationError(`${field}.coefficient`, `must be a finite number <= 3.4e38 for the sample-based loss, which runs in f32${why}`, C);
    }
    return { path: "kernel", kind: code, coefficient: C };
  }
  const s = drift.sample;
  if ((s && typeof s.value === "function" && typeof s.derivative === "function") ||
      (typeof drift.sampleEstimate === "function" && typeof drift.sampleGradient === "function")) {
    return { path: "estimator", drift };
  }
  if (drift.kind === "squaredTv") {
    throw new ValidationError(
      field,
      "the squared-TV drift has no per-sample estimator (C TV^2 is the square of a per-state expectation) and its batch estimator " +
        "needs several actions of one state, which rollouts do not give: use squaredL2Drift(C) or forwardKlDrift(C), or a customDrift with `sample`",
      drift.name,
    );
  }
  throw new ValidationError(
    field,
    "has no per-sample estimator: give customDrift a `sample: { unbiased: true, value(r, A, probOld), derivative(r, A, probOld) }` " +
      "(or sampleEstimate and sampleGradient in log-probabilities)",
    drift.name,
  );
}

function checkRows(rows: number, refs: readonly (readonly [string, F32Ref | undefined])[]): void {
  if (!Number.isInteger(rows) || rows < 1) throw new ValidationError("rows", "must be an integer >= 1", rows);
  for (const [field, ref] of refs) if (ref) checkRef(field, ref, "f32", rows);
}

/**
 * The kernel path: writes gLogp[i] = d loss / d logpNew_i for `rows` rows (f32
 * refs in WebAssembly memory) and returns the statistics. `kind` is a code of
 * DRIFT_LOSS_KERNEL_KINDS, `weights` the rows' drift weights (none: 1);
 * `simd: false` runs the scalar twin (the same bits). `stats`: 4 f64 values.
 */
export function driftKernelLossInto(
  kind: number, coefficient: number, logpOld: F32Ref, logpNew: F32Ref, advantages: F32Ref, weights: F32Ref | undefined,
  gLogp: F32Ref, rows: number, stats: Block<"f64">, simd = true,
): DriftLossStats {
  checkRows(rows, [["logpOld", logpOld], ["logpNew", logpNew], ["advantages", advantages], ["weights", weights], ["gLogp", gLogp]]);
  if (!(kind >= 0 && kind <= 3 && Number.isInteger(kind))) throw new ValidationError("kind", "must be a code of DRIFT_LOSS_KERNEL_KINDS", kind);
  const k = kernels();
  const run = simd ? k.agentsDriftLossSimd : k.agentsDriftLossScalar;
  run(logpOld.ptr, logpNew.ptr, advantages.ptr, weights?.ptr ?? 0, gLogp.ptr, stats.ptr, rows, kind, coefficient);
  const s = stats.view;
  return { policyLoss: -s[0] / rows, drift: s[1] / rows, clipFraction: 0, approxKl: s[3] / rows };
}

/**
 * The estimator path (plain TypeScript, one call of the drift's estimator
 * per row; see the module comment). The rows are copied out first, so a
 * drift whose functions allocate WebAssembly memory is safe. A non-finite
 * estimate at a finite ratio and advantage is the drift's fault: a
 * ValidationError naming `field`.
 */
export function driftEstimatorLossInto(
  drift: Drift, logpOld: F32Ref, logpNew: F32Ref, advantages: F32Ref, weights: F32Ref | undefined, gLogp: F32Ref, rows: number, field = "drift",
): DriftLossStats {
  checkRows(rows, [["logpOld", logpOld], ["logpNew", logpNew], ["advantages", advantages], ["weights", weights], ["gLogp", gLogp]]);
  const lpo = f32View(logpOld, rows).slice();
  const lpn = f32View(logpNew, rows).slice();
  const adv = f32View(advantages, rows).slice();
  const w = weights ? f32View(weights, rows).slice() : undefined;
  const g = new Float32Array(rows);
  const sample = drift.sample;
  const ratioForm = sample !== undefined && typeof sample.value === "function" && typeof sample.derivative === "function";
  const eps = drift.kind === "clip" ? drift.epsilon ?? 0 : undefined;
  let obj = 0, total = 0, clipped = 0, kl = 0;
  for (let i = 0; i < rows; i++) {
    const l = lpn[i] - lpo[i];
    const r = Math.exp(l);
    const a = adv[i];
    let d: number, slope: number;
    if (ratioForm) {
      const p = Math.exp(lpo[i]);
      d = sample.value(r, a, p);
      slope = sample.derivative(r, a, p) * r;
    } else {
      d = drift.sampleEstimate!(lpo[i], lpn[i], a);
      slope = drift.sampleGradient!(lpo[i], lpn[i], a);
    }
    if (Number.isFinite(r) && Number.isFinite(a) && !(Number.isFinite(d) && Number.isFinite(slope))) {
      const fn = ratioForm ? (Number.isFinite(d) ? "sample.derivative" : "sample.value") : Number.isFinite(d) ? "sampleGradient" : "sampleEstimate";
      throw new ValidationError(`${field}.${fn}`, "must return a finite number", Number.isFinite(d) ? slope : d, { ratio: r, advantage: a });
    }
    const wi = w ? w[i] : 1;
    obj += r * a - wi * d;
    total += wi * d;
    kl += Math.expm1(l) - l;
    if (eps !== undefined && (r > 1 + eps || r < 1 - eps)) clipped++;
    g[i] = -(r * a - wi * slope) / rows;
  }
  f32View(gLogp, rows).set(g);
  return { policyLoss: -obj / rows, drift: total / rows, clipFraction: clipped / rows, approxKl: kl / rows };
}

/** One minibatch's policy loss and gLogp along `path` (see the module comment); `stats`: 4 f64 values. */
export function driftLossInto(
  path: DriftLossPath, logpOld: F32Ref, logpNew: F32Ref, advantages: F32Ref, weights: F32Ref | undefined, gLogp: F32Ref, rows: number,
  stats: Block<"f64">, field = "drift",
): DriftLossStats {
  switch (path.path) {
    case "clip":
      if (weights) throw new ValidationError("weights", "the clip kernel takes no drift weights (driftLossPath(drift, field, true) chooses the estimator)", "weights");
      return ppoClipLossInto(path.epsilon, logpOld, logpNew, advantages, gLogp, rows, stats);
    case "kernel":
      return driftKernelLossInto(path.kind, path.coefficient, logpOld, logpNew, advantages, weights, gLogp, rows, stats);
    default:
      return driftEstimatorLossInto(path.drift, logpOld, logpNew, advantages, weights, gLogp, rows, field);
  }
}

/**
 * The same on plain arrays, for any drift with a per-sample estimator: the
 * loss statistics and the per-row gradient d loss / d log pi_new, through the
 * path the learner takes (`weights`: the drift weights w_i, default 1).
 */
export function driftLoss(
  drift: Drift, logpOld: ArrayLike<number>, logpNew: ArrayLike<number>, advantages: ArrayLike<number>, weights?: ArrayLike<number>,
): DriftLossStats & { gLogp: Float32Array } {
  const n = logpOld.length;
  for (const [field, a] of [["logpNew", logpNew], ["advantages", advantages], ["weights", weights]] as const) {
    if (a !== undefined && a.length !== n) throw new ValidationError(field, `must hold ${n} values like logpOld`, a.length);
  }
  if (!drift || typeof drift !== "object" || typeof drift.kind !== "string") {
    throw new ValidationError("drift", "must be a drift object (forwardKlDrift(C), ...)", typeof drift);
  }
  const path = driftLossPath(drift, "drift", weights !== undefined);
  return scratch((take) => {
    const g = take(f32Block(n));
    const stats = driftLossInto(path, take(f32Block(n, logpOld)), take(f32Block(n, logpNew)), take(f32Block(n, advantages)),
      weights ? take(f32Block(n, weights)) : undefined, g, n, take(f64Block(4)));
    return { ...stats, gLogp: g.toArray() };
  });
}

/**
 * Linear features phi(s,a) in R^dim for log-linear policies
 * pi_theta(a|s) ∝ exp(phi(s,a) . theta) (Agarwal et al. 2021; Yuan et al. 2023;
 * seed 001), and the weighted least-squares fit of compatible function
 * approximation,
 *
 *   w* = argmin_w sum_{s,a} omega(s,a) (phi(s,a) . w - y(s,a))^2,
 *   omega(s,a) = rho(s) x(a|s),  rho = d_old by default, x = pi_old (on-policy) or uniform,
 *
 * solved through the normal equations (Phi^T Omega Phi + r I) w = Phi^T Omega y
 * with our LU (src/linalg/lu.ts). Layout: phi[(s*A + a)*dim + j], j in [0, dim).
 */
import { ValidationError } from "../errors.js";
import { SingularMatrixError, luFactor, luSolve } from "../linalg/lu.js";
import { type StateDistribution, resolveDistribution } from "../mirror/distributions.js";
import type { Rng } from "../random/rng.js";
import { f64Block, i32Block, scratch } from "../wasm/arena.js";

/** A feature map for S states and A actions: values[(s*A + a)*dim + j]. */
export interface LinearFeatures {
  readonly S: number;
  readonly A: number;
  readonly dim: number;
  readonly values: Float64Array;
}

/** Where the least-squares fit weighs its errors: omega(s,a) = states(s) x(a|s). */
export interface FitDistribution {
  /** rho over states (default "visitation": d_old). */
  states?: StateDistribution;
  /** x(.|s): "policy" (default: pi_old, the on-policy distribution of seed 001) or "uniform" (1/A). */
  actions?: "policy" | "uniform";
}

function checkCount(field: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new ValidationError(field, "must be an integer >= 1", n);
  return n;
}

/** Checks and wraps a feature table (finite values, length S*A*dim). */
export function linearFeatures(spec: { S: number; A: number; dim: number; values: Float64Array | number[] }): LinearFeatures {
  if (spec === null || typeof spec !== "object") throw new ValidationError("features", "must be an object { S, A, dim, values }", spec);
  const S = checkCount("features.S", spec.S);
  const A = checkCount("features.A", spec.A);
  const dim = checkCount("features.dim", spec.dim);
  const raw = spec.values;
  if (!(raw instanceof Float64Array) && !Array.isArray(raw)) {
    throw new ValidationError("features.values", "must be a Float64Array or a number array", typeof raw);
  }
  if (raw.length !== S * A * dim) throw new ValidationError("features.values", `wrong length: expected S*A*dim = ${S * A * dim}`, raw.length);
  const values = Float64Array.from(raw);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / dim);
      throw new ValidationError("features.values", "must be finite", values[i], { state: Math.floor(row / A), action: row % A, feature: i % dim });
    }
  }
  return Object.freeze({ S, A, dim, values });
}

/** One-hot features phi(s,a) = e_{s*A + a} (dim = S*A): log-linear = softmax tabular. */
export function tabularFeatures(S: number, A: number): LinearFeatures {
  checkCount("S", S);
  checkCount("A", A);
  const n = S * A;
  const values = new Float64Array(n * n);
  for (let i = 0; i < n; i++) values[i * n + i] = 1;
  return linearFeatures({ S, A, dim: n, values });
}

/** Standard normal features from `rng` (for experiments with a misspecified log-linear class). */
export function randomFeatures(S: number, A: number, dim: number, rng: Rng): LinearFeatures {
  checkCount("S", S);
  checkCount("A", A);
  checkCount("dim", dim);
  const values = new Float64Array(S * A * dim);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return linearFeatures({ S, A, dim, values });
}

/** Checks that `features` fit an MDP with S states and A actions. */
export function checkFeatures(features: unknown, S: number, A: number, where: string): LinearFeatures {
  const f = features as LinearFeatures | null;
  if (f === null || typeof f !== "object" || !(f.values instanceof Float64Array) || !Number.isInteger(f.dim)) {
    throw new ValidationError("features", `${where}: must come from linearFeatures(), tabularFeatures() or randomFeatures()`, f === null ? null : typeof f);
  }
  if (f.S !== S || f.A !== A) throw new ValidationError("features", `${where}: built for S=${f.S}, A=${f.A}, the MDP has S=${S}, A=${A}`, `${f.S}x${f.A}`);
  if (f.values.length !== S * A * f.dim) throw new ValidationError("features.values", `${where}: wrong length`, f.values.length);
  return f;
}

/** z[s*A + a] = phi(s,a) . theta (the logits of a log-linear policy). */
export function featureLogits(features: LinearFeatures, theta: ArrayLike<number>, out = new Float64Array(features.S * features.A)): Float64Array {
  const { S, A, dim, values } = features;
  if (theta.length !== dim) throw new ValidationError("theta", `wrong length: expected dim = ${dim}`, theta.length);
  for (let i = 0; i < S * A; i++) {
    let z = 0;
    const base = i * dim;
    for (let j = 0; j < dim; j++) z += values[base + j] * theta[j];
    out[i] = z;
  }
  return out;
}

/** pi_theta = softmax(Phi theta) per state, and its log (log-sum-exp, no underflow in the log). */
export function logLinearPolicy(features: LinearFeatures, theta: ArrayLike<number>): { policy: Float64Array; logPolicy: Float64Array } {
  const z = featureLogits(features, theta);
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i])) throw new ValidationError("theta", "gives non-finite logits", z[i], { row: i });
  }
  const logPolicy = logSoftmaxRows(z, features.S, features.A);
  const policy = new Float64Array(logPolicy.length);
  for (let i = 0; i < policy.length; i++) policy[i] = Math.exp(logPolicy[i]);
  return { policy, logPolicy };
}

/**
 * Per-state log-softmax of logits (S*A): z - log sum exp z. -Infinity logits
 * stay -Infinity; each row needs one finite logit (+Infinity not allowed).
 */
export function logSoftmaxRows(z: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  for (let s = 0; s < S; s++) {
    const base = s * A;
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, z[base + a]);
    if (!Number.isFinite(m)) throw new ValidationError("logits", "each state needs a finite largest logit", m, { state: s });
    let sum = 0;
    for (let a = 0; a < A; a++) sum += Math.exp(z[base + a] - m);
    const lse = m + Math.log(sum);
    for (let a = 0; a < A; a++) out[base + a] = z[base + a] - lse;
  }
  return out;
}

/** omega(s,a) = rho(s) x(a|s) for a fit distribution (see FitDistribution). */
export function fitWeights(
  fit: FitDistribution | undefined,
  policy: Float64Array,
  visitation: Float64Array,
  mu: Float64Array,
  S: number,
  A: number,
): Float64Array {
  const rho = resolveDistribution("fit.states", fit?.states, S, visitation, mu);
  const actions = fit?.actions ?? "policy";
  if (actions !== "policy" && actions !== "uniform") throw new ValidationError("fit.actions", 'must be "policy" or "uniform"', actions);
  const omega = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) omega[s * A + a] = rho[s] * (actions === "policy" ? policy[s * A + a] : 1 / A);
  }
  return omega;
}

/** The result of `weightedLeastSquares`. */
export interface LeastSquaresFit {
  /** The minimiser w (length dim). */
  w: Float64Array;
  /** The weighted mean squared error sum omega (phi.w - y)^2 / sum omega. */
  error: number;
}

/**
 * w* = argmin_w sum_i omega_i (phi_i . w - y_i)^2 + r |w|^2 through the normal
 * equations (Phi^T Omega Phi + r I) w = Phi^T Omega y and LU with partial
 * pivoting. r = ridge * max_j (Phi^T Omega Phi)_jj: the default ridge 1e-12
 * keeps the system solvable when the weights vanish on some features (e.g.
 * one-hot features of actions the policy no longer takes) while moving w by a
 * relative ~1e-12 elsewhere; ridge = 0 solves the plain equations and throws a
 * ValidationError when they are singular. Rows with omega_i = 0 are skipped
 * (their targets may be infinite); others need finite targets. Cost:
 * sum_i nnz(phi_i)^2 for the Gram matrix (sparse rows are cheap) + dim^3 / 3.
 */
export function weightedLeastSquares(features: LinearFeatures, y: ArrayLike<number>, omega: ArrayLike<number>, ridge = 1e-12): LeastSquaresFit {
  const { dim, values } = features;
  const n = features.S * features.A;
  if (y.length !== n) throw new ValidationError("target", `wrong length: expected S*A = ${n}`, y.length);
  if (omega.length !== n) throw new ValidationError("weights", `wrong length: expected S*A = ${n}`, omega.length);
  if (typeof ridge !== "number" || !(ridge >= 0 && ridge < Infinity)) throw new ValidationError("ridge", "must be a finite number >= 0", ridge);
  const G = new Float64Array(dim * dim);
  const b = new Float64Array(dim);
  const nz = new Int32Array(dim);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = omega[i];
    if (!(wi >= 0 && wi < Infinity)) throw new ValidationError("weights", "must be finite and >= 0", wi, { row: i });
    if (wi === 0) continue;
    if (!Number.isFinite(y[i])) {
      throw new ValidationError("target", "must be finite where the fit weight is positive (e.g. log pi_old = -inf under a uniform action weighting)", y[i], {
        state: Math.floor(i / features.A),
        action: i % features.A,
      });
    }
    total += wi;
    const base = i * dim;
    let m = 0;
    for (let j = 0; j < dim; j++) if (values[base + j] !== 0) nz[m++] = j;
    for (let u = 0; u < m; u++) {
      const j = nz[u];
      const fj = wi * values[base + j];
      b[j] += fj * y[i];
      for (let v = 0; v < m; v++) G[j * dim + nz[v]] += fj * values[base + nz[v]];
    }
  }
  let diag = 0;
  for (let j = 0; j < dim; j++) diag = Math.max(diag, G[j * dim + j]);
  if (!(diag > 0)) throw new ValidationError("features", "every feature is zero where the fit weight is positive", diag);
  const r = ridge * diag;
  for (let j = 0; j < dim; j++) G[j * dim + j] += r;
  const w = scratch((take) => {
    const a = take(f64Block(dim * dim, G));
    const piv = take(i32Block(dim));
    const rhs = take(f64Block(dim, b));
    try {
      luFactor(a, dim, piv);
    } catch (e) {
      if (e instanceof SingularMatrixError) {
        throw new ValidationError(
          "features",
          "the weighted normal equations are singular (features not identified under the fit distribution): set ridge > 0 or change fit",
          e.column,
          { column: e.column },
        );
      }
      throw e;
    }
    luSolve(a, dim, piv, rhs);
    return rhs.toArray();
  });
  let sse = 0;
  for (let i = 0; i < n; i++) {
    if (omega[i] === 0) continue;
    let z = 0;
    for (let j = 0; j < dim; j++) z += values[i * dim + j] * w[j];
    sse += omega[i] * (z - y[i]) ** 2;
  }
  return { w, error: sse / total };
}

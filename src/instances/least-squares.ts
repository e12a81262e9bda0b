/**
 * The weighted least-squares fit of compatible function approximation
 * (Agarwal, Kakade, Lee & Mahajan 2021, "On the Theory of Policy Gradient
 * Methods: Optimality, Approximation, and Distribution Shift"; Yuan, Du, Gower,
 * Lazaric & Xiao 2023, "Linear Convergence of Natural Policy Gradient Methods
 * with Log-Linear Policies"),
 *
 *   w* = argmin_w sum_{s,a} omega(s,a) (phi(s,a) . w - y(s,a))^2,
 *   omega(s,a) = rho(s) x(a|s),  rho = d_old by default, x = pi_old (on-policy) or uniform,
 *
 * through the normal equations (Phi^T Omega Phi + r I) w = Phi^T Omega y:
 * LU with partial pivoting on the Gram matrix for small dim, and
 * Jacobi-preconditioned conjugate gradients, matrix-free on the sparse rows of
 * Phi, for large dim (one-hot features of S*A = 20,000 pairs have a diagonal
 * Gram matrix: CG solves it in one iteration, where the dense matrix would
 * take 3.2 GB).
 */
import { ConvergenceError, ValidationError } from "../core/errors.js";
import { cg } from "../linalg/cg.js";
import { SingularMatrixError, luFactor, luSolve } from "../linalg/lu.js";
import type { LinearOperator } from "../linalg/operator.js";
import { type StateDistribution, checkStateDistribution, resolveDistribution } from "../mirror/distributions.js";
import { checkLength, checkObject, checkOptions } from "../core/validate.js";
import { type Block, f64Block, i32Block, scratch } from "../core/arena.js";
import { type LinearFeatures, checkFeatures } from "./features.js";

/** Where the least-squares fit weighs its errors: omega(s,a) = states(s) x(a|s). */
export interface FitDistribution {
  /** rho over states (default "visitation": d_old). */
  states?: StateDistribution;
  /** x(.|s): "policy" (default: pi_old, the on-policy fit of Yuan et al. 2023) or "uniform" (1/A). */
  actions?: "policy" | "uniform";
}

/** Checks a fit distribution's form where S is not known yet (an instance factory named `where`). */
export function checkFitDistribution(fit: unknown, where: string): FitDistribution | undefined {
  if (fit === undefined) return undefined;
  const f = checkOptions("fit", fit as FitDistribution, ["states", "actions"], where);
  checkStateDistribution("fit.states", f.states, { prefix: "", factory: where });
  if (f.actions !== undefined && f.actions !== "policy" && f.actions !== "uniform") {
    throw new ValidationError("fit.actions", 'must be "policy" or "uniform"', f.actions, { function: where });
  }
  return f;
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
  /** How the normal equations were solved. */
  solver: "lu" | "cg";
  /** Conjugate-gradient iterations (0 for LU). */
  iterations: number;
}

/** How `weightedLeastSquares` solves its normal equations. */
export interface LeastSquaresOptions {
  /** "auto" (default): LU up to dim = DENSE_FIT_MAX_DIM, CG above; or force one. */
  solver?: "auto" | "lu" | "cg";
}

/** Largest dim solved by dense LU under solver "auto" (the Gram matrix is dim^2 doubles). */
export const DENSE_FIT_MAX_DIM = 2048;

/** CG aims at a true residual |b - M w| <= CG_TOLERANCE |b| and accepts up to CG_CHECK |b| (rounding). */
const CG_TOLERANCE = 1e-14;
const CG_CHECK = 1e-10;

/**
 * w* = argmin_w sum_i omega_i (phi_i . w - y_i)^2 + r |w|^2 through the normal
 * equations (Phi^T Omega Phi + r I) w = Phi^T Omega y. r = ridge * max_j
 * (Phi^T Omega Phi)_jj: the default ridge 1e-12 keeps the system solvable when
 * the weights vanish on some features (e.g. one-hot features of actions the
 * policy no longer takes) while moving w by a relative ~1e-12 elsewhere;
 * ridge = 0 solves the plain equations and throws a ValidationError when they
 * are singular. Rows with omega_i = 0 are skipped (their targets may be
 * infinite); others need finite targets.
 *
 * Solvers: LU with partial pivoting of the Gram matrix (cost sum_i nnz(phi_i)^2
 * + dim^3 / 3; used up to dim = DENSE_FIT_MAX_DIM), or conjugate gradients
 * preconditioned by the Gram diagonal, each iteration one product with Phi and
 * one with Phi^T (2 nnz multiply-adds; the solver is src/linalg/cg.ts),
 * aiming at a true residual of 1e-14 |b| and accepting up to 1e-10 |b| (else
 * ConvergenceError; at most 2 dim + 100 operator applications). On singular equations (ridge 0) LU throws,
 * while CG, whose equations are consistent, returns one of the minimisers.
 */
export function weightedLeastSquares(
  features: LinearFeatures,
  y: ArrayLike<number>,
  omega: ArrayLike<number>,
  ridge = 1e-12,
  options: LeastSquaresOptions = {},
): LeastSquaresFit {
  checkObject("features", features, "weightedLeastSquares: tabularFeatures(S, A), linearFeatures(...), sparseFeatures(...) or randomFeatures(...)");
  checkFeatures(features, features.S, features.A, "weightedLeastSquares");
  const { dim, rowStart, columns, values } = features;
  const n = features.S * features.A;
  checkLength("target", y, n, "S*A");
  checkLength("weights", omega, n, "S*A");
  if (typeof ridge !== "number" || !(ridge >= 0 && ridge < Infinity)) throw new ValidationError("ridge", "must be a finite number >= 0", ridge);
  checkOptions("options", options, ["solver"], "weightedLeastSquares");
  const choice = options.solver ?? "auto";
  if (choice !== "auto" && choice !== "lu" && choice !== "cg") throw new ValidationError("solver", 'must be "auto", "lu" or "cg"', choice);
  // b = Phi^T Omega y and the Gram diagonal, over the rows of positive weight.
  const b = new Float64Array(dim);
  const diag = new Float64Array(dim);
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
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      const fj = wi * values[e];
      b[columns[e]] += fj * y[i];
      diag[columns[e]] += fj * values[e];
    }
  }
  let diagMax = 0;
  for (let j = 0; j < dim; j++) diagMax = Math.max(diagMax, diag[j]);
  if (!(diagMax > 0)) throw new ValidationError("features", "every feature is zero where the fit weight is positive", diagMax);
  const r = ridge * diagMax;
  const useLu = choice === "lu" || (choice === "auto" && dim <= DENSE_FIT_MAX_DIM);
  const solved = useLu ? { w: solveLu(features, omega, b, r), iterations: 0 } : solveCg(features, omega, b, diag, r);
  const w = solved.w;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    if (omega[i] === 0) continue;
    let z = 0;
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) z += values[e] * w[columns[e]];
    sse += omega[i] * (z - y[i]) ** 2;
  }
  return { w, error: sse / total, solver: useLu ? "lu" : "cg", iterations: solved.iterations };
}

function singular(column: number): ValidationError {
  return new ValidationError(
    "features",
    "the weighted normal equations are singular (features not identified under the fit distribution): set ridge > 0 or change fit",
    column,
    { column },
  );
}

/** The Gram matrix Phi^T Omega Phi + r I, dense, factored and solved by LU. */
function solveLu(features: LinearFeatures, omega: ArrayLike<number>, b: Float64Array, r: number): Float64Array {
  const { dim, rowStart, columns, values } = features;
  const n = features.S * features.A;
  const G = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    const wi = omega[i];
    if (wi === 0) continue;
    const lo = rowStart[i];
    const hi = rowStart[i + 1];
    for (let u = lo; u < hi; u++) {
      const row = columns[u] * dim;
      const fj = wi * values[u];
      for (let v = lo; v < hi; v++) G[row + columns[v]] += fj * values[v];
    }
  }
  for (let j = 0; j < dim; j++) G[j * dim + j] += r;
  return scratch((take) => {
    const a = take(f64Block(dim * dim, G));
    const piv = take(i32Block(dim));
    const rhs = take(f64Block(dim, b));
    try {
      luFactor(a, dim, piv);
    } catch (e) {
      if (e instanceof SingularMatrixError) throw singular(e.column);
      throw e;
    }
    luSolve(a, dim, piv, rhs);
    return rhs.toArray();
  });
}

/**
 * The Gram operator y = (Phi^T Omega Phi + r I) x on WebAssembly blocks (one
 * product with Phi, one with Phi^T; the features are JavaScript arrays, so
 * the sparse loops run here), for the Krylov solvers of src/linalg.
 */
function gramOperator(features: LinearFeatures, omega: ArrayLike<number>, r: number): LinearOperator {
  const { dim, rowStart, columns, values } = features;
  const n = features.S * features.A;
  const t = new Float64Array(n);
  return {
    n: dim,
    apply(xb: Block<"f64">, yb: Block<"f64">): void {
      const x = xb.view;
      const y = yb.view;
      for (let i = 0; i < n; i++) {
        let z = 0;
        if (omega[i] !== 0) for (let e = rowStart[i]; e < rowStart[i + 1]; e++) z += values[e] * x[columns[e]];
        t[i] = omega[i] * z;
      }
      for (let j = 0; j < dim; j++) y[j] = r * x[j];
      for (let i = 0; i < n; i++) {
        const ti = t[i];
        if (ti === 0) continue;
        for (let e = rowStart[i]; e < rowStart[i + 1]; e++) y[columns[e]] += values[e] * ti;
      }
    },
  };
}

/** Jacobi-preconditioned conjugate gradients (src/linalg/cg.ts) on the normal equations (see weightedLeastSquares). */
function solveCg(features: LinearFeatures, omega: ArrayLike<number>, b: Float64Array, diag: Float64Array, r: number): { w: Float64Array; iterations: number } {
  const dim = features.dim;
  const inv = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    const d = diag[j] + r;
    if (!(d > 0)) throw singular(j);
    inv[j] = 1 / d;
  }
  let bNorm = 0;
  for (let j = 0; j < dim; j++) bNorm += b[j] * b[j];
  bNorm = Math.sqrt(bNorm);
  if (bNorm === 0) return { w: new Float64Array(dim), iterations: 0 };
  const jacobi: LinearOperator = {
    n: dim,
    apply(xb, yb) {
      const x = xb.view;
      const y = yb.view;
      for (let j = 0; j < dim; j++) y[j] = inv[j] * x[j];
    },
  };
  return scratch((take) => {
    const bb = take(f64Block(dim, b));
    const wb = take(f64Block(dim));
    wb.view.fill(0);
    const result = cg(gramOperator(features, omega, r), bb, wb, {
      tolerance: CG_TOLERANCE * bNorm,
      maxIterations: 2 * dim + 100,
      preconditioner: jacobi,
    });
    // The true residual may stall above 1e-14 |b| in rounding: accept it below CG_CHECK.
    const rel = result.residualNorm / bNorm;
    if (!(rel <= CG_CHECK)) throw new ConvergenceError("weightedLeastSquares (Jacobi-preconditioned CG; try ridge > 0)", result.iterations, rel, CG_CHECK);
    return { w: wb.toArray(), iterations: result.steps };
  });
}

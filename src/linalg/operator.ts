/**
 * Linear operators and the contract of the Krylov solvers (gmres.ts,
 * bicgstab.ts): types, option defaults and the checks both share.
 */
import { ValidationError } from "../core/errors.js";
import { kernels } from "../core/wasm.js";
import type { Block } from "../core/arena.js";
import { nrm2 } from "./blas1.js";
import {
  checkAllocation,
  checkBlock,
  checkDimension,
  checkDistinctBlocks,
  checkFiniteBlock,
  checkFiniteNumber,
  checkOptions,
} from "../core/validate.js";

/** y = A x for an n×n operator A (the first n entries of x and y); the solvers never pass y aliasing x. */
export interface LinearOperator {
  readonly n: number;
  apply(x: Block<"f64">, y: Block<"f64">): void;
}

export interface KrylovOptions {
  /** Absolute tolerance on the 2-norm of the true residual b - A x. */
  tolerance: number;
  /** Cap on operator applications, residual checks included (default 1000). */
  maxIterations?: number;
  /** GMRES restart length m (default 20): memory is (m + 1) n doubles, plus n with a preconditioner. */
  restart?: number;
  /** Applies M^{-1} (right preconditioning: A M^{-1} u = b, x = M^{-1} u; the residual stays b - A x). */
  preconditioner?: LinearOperator;
}

export interface KrylovResult {
  /** Operator applications, including those that computed true residuals. */
  iterations: number;
  /** |b - A x|_2 of the returned x, computed from x (not the recurrence). */
  residualNorm: number;
  converged: boolean;
}

export const DEFAULT_MAX_ITERATIONS = 1000;
/**
 * 20 keeps GMRES at 21 vectors (168 MB at n = 10^6). Restarting forgets the
 * isolated eigenvalue 1 - gamma of I - gamma P, so near gamma = 1 a longer
 * restart saves applications: sparse garnet n = 10^5, gamma 0.999, 1e-10
 * relative, 103 applications at m = 20, 67 at m = 40, 54 at m = 60 (BiCGSTAB: 58).
 */
export const DEFAULT_RESTART = 20;

/** The checked settings of one solve. */
export interface KrylovSettings {
  n: number;
  tolerance: number;
  maxIterations: number;
  restart: number;
  preconditioner: LinearOperator | undefined;
  /** x starts at 0, so the first residual is b without an operator application. */
  zeroGuess: boolean;
}

function checkOperator(where: string, field: string, op: LinearOperator, n?: number): number {
  if (op === null || typeof op !== "object" || typeof op.apply !== "function") {
    throw new ValidationError(field, "must be a LinearOperator { n, apply(x, y) }", op, { function: where });
  }
  const size = checkDimension(`${field}.n`, op.n, { function: where });
  if (n !== undefined && size !== n) {
    throw new ValidationError(`${field}.n`, `must equal the operator's n = ${n}`, size, { function: where });
  }
  return size;
}

/** Checks the arguments of a Krylov solve: shapes, finiteness, options. */
export function checkKrylov(where: string, op: LinearOperator, b: Block<"f64">, x: Block<"f64">,
  options: KrylovOptions): KrylovSettings {
  const n = checkOperator(where, "op", op);
  checkBlock("b", b, "f64", n, { function: where });
  checkBlock("x", x, "f64", n, { function: where });
  checkDistinctBlocks("x", x, b, "b", { function: where });
  if (options === null || typeof options !== "object") {
    throw new ValidationError("options", "must be an object with a tolerance", options, { function: where });
  }
  checkOptions("options", options, ["tolerance", "maxIterations", "restart", "preconditioner"], where);
  const tolerance = checkFiniteNumber("options.tolerance", options.tolerance, { function: where });
  if (tolerance < 0) throw new ValidationError("options.tolerance", "must be >= 0", tolerance, { function: where });
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) {
    throw new ValidationError("options.maxIterations", "must be an integer >= 1", maxIterations, { function: where });
  }
  const restart = options.restart ?? DEFAULT_RESTART;
  if (!Number.isSafeInteger(restart) || restart < 1) {
    throw new ValidationError("options.restart", "must be an integer >= 1", restart, { function: where });
  }
  // GMRES keeps min(restart, n) + 1 basis vectors of n doubles.
  if (where === "gmres") checkAllocation("options.restart", restart, (Math.min(restart, n) + 2) * n * 8, { function: where, n });
  const preconditioner = options.preconditioner;
  if (preconditioner !== undefined) checkOperator(where, "options.preconditioner", preconditioner, n);
  checkFiniteBlock("b", b, n, { function: where });
  const zeroGuess = checkFiniteBlock("x", x, n, { function: where }) === 0;
  return { n, tolerance, maxIterations, restart, preconditioner, zeroGuess };
}

/** A norm the solver computed; non-finite only if the operator (or preconditioner) produced Inf or NaN. */
export function finiteOrThrow(where: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new ValidationError("op", "apply produced non-finite values (check the operator and preconditioner)", value, {
      function: where,
    });
  }
  return value;
}

/** r <- b - A x, returns |r|_2. */
export function residual(where: string, op: LinearOperator, b: Block<"f64">, x: Block<"f64">, r: Block<"f64">, n: number): number {
  op.apply(x, r);
  kernels().blas1AxpbySimd(1, b.ptr, -1, r.ptr, n);
  return finiteOrThrow(where, nrm2(r, n));
}

/**
 * The operator y = scale M x + shift x for an n×n row-major matrix M in a
 * block (e.g. scale = -gamma, shift = 1 gives I - gamma P), by the dense SIMD
 * gemv kernel. The block is used, not copied: keep it alive while the operator is.
 */
export function denseOperator(m: Block<"f64">, n: number, options: { scale?: number; shift?: number } = {}): LinearOperator {
  checkDimension("n", n, { function: "denseOperator" });
  checkOptions("options", options, ["scale", "shift"], "denseOperator");
  checkBlock("m", m, "f64", n * n, { function: "denseOperator" });
  const scale = checkFiniteNumber("scale", options.scale ?? 1, { function: "denseOperator" });
  const shift = checkFiniteNumber("shift", options.shift ?? 0, { function: "denseOperator" });
  const k = kernels();
  return {
    n,
    apply(x: Block<"f64">, y: Block<"f64">): void {
      if (x.length < n || y.length < n || x.ptr === y.ptr) {
        throw new ValidationError("x, y", `must be distinct blocks of at least ${n} entries`, [x.length, y.length], {
          function: "denseOperator.apply",
        });
      }
      if (shift === 0) {
        k.denseGemvSimd(m.ptr, x.ptr, y.ptr, n, n, scale, 0);
      } else {
        k.blas1AxpbySimd(shift, x.ptr, 0, y.ptr, n);
        k.denseGemvSimd(m.ptr, x.ptr, y.ptr, n, n, scale, 1);
      }
    },
  };
}

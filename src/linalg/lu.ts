/**
 * Dense LU factorisation with partial pivoting, P A = L U, and the solves
 * A x = b and A^T x = b with the same factors (LAPACK dgetrf/dgetrs). Exact
 * policy evaluation needs both: V = (I - gamma P_pi)^{-1} r_pi and the
 * visitation d^T = (1 - gamma) mu^T (I - gamma P_pi)^{-1}, i.e. a solve with
 * (I - gamma P_pi)^T. Kernels: assembly/linalg/lu.ts (blocked, SIMD; about
 * 2n^3/3 flops for the factorisation, 2n^2 per solve).
 *
 * Layout: A is n×n row-major in an f64 block (A[i][j] at i n + j). After
 * luFactor it holds U in its upper triangle and the multipliers of L (unit
 * diagonal implied) below; pivots[j] is the row swapped with row j at step j.
 */
import { f64Block, scratch, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import { checkBlock, checkDimension, checkDistinctBlocks, checkFiniteBlock } from "../core/validate.js";

/**
 * The matrix is singular to working precision: at `column` no candidate pivot
 * exceeded `threshold` = n eps max|A| (its largest magnitude was `pivot`).
 * Also raised, with column = -1 and pivot = threshold = 0, when the factors or
 * a solution overflowed.
 */
export class SingularMatrixError extends RangeError {
  override readonly name = "SingularMatrixError";
  constructor(
    readonly column: number,
    readonly pivot: number,
    readonly threshold: number,
    message?: string,
  ) {
    super(
      message ??
        `matrix is singular to working precision: column ${column} has no pivot above n·eps·max|A| = ${threshold} ` +
          `(largest candidate |pivot| = ${pivot})`,
    );
  }
}

/**
 * Factors A in place, P A = L U, with partial pivoting, writing the row swaps
 * to `pivots` (n entries). A is the n×n row-major matrix in the first n^2
 * entries of `a`; its entries must be finite. Throws SingularMatrixError
 * (naming the column and the pivot) when a pivot is exactly 0 or not above
 * n·eps·max|A|; `a` is then partly overwritten.
 */
export function luFactor(a: Block<"f64">, n: number, pivots: Block<"i32">): void {
  checkDimension("n", n, { function: "luFactor" });
  checkBlock("a", a, "f64", n * n, { function: "luFactor" });
  checkBlock("pivots", pivots, "i32", n, { function: "luFactor" });
  if (n === 0) return;
  const k = kernels();
  const maxAbs = checkFiniteBlock("a", a, n * n, { function: "luFactor" });
  const threshold = n * Number.EPSILON * maxAbs;
  const bad = scratch((take) => {
    const work = take(f64Block(k.luWorkLength(n)));
    return k.luFactorSimd(a.ptr, n, pivots.ptr, work.ptr, threshold);
  });
  if (bad >= 0) {
    const v = a.view;
    let pivot = 0;
    for (let i = bad; i < n; i++) pivot = Math.max(pivot, Math.abs(v[i * n + bad]));
    throw new SingularMatrixError(bad, pivot, threshold);
  }
  // Growth beyond 1e308 during elimination is possible in principle (Wilkinson's example at huge n).
  if (!Number.isFinite(k.blas1NormInfCheckedSimd(a.ptr, n * n))) {
    throw new SingularMatrixError(-1, 0, 0, "luFactor: the factors overflowed (element growth beyond 1e308)");
  }
}

function checkSolve(where: string, a: Block<"f64">, n: number, pivots: Block<"i32">, b: Block<"f64">): void {
  checkDimension("n", n, { function: where });
  checkBlock("a", a, "f64", n * n, { function: where });
  checkBlock("pivots", pivots, "i32", n, { function: where });
  checkBlock("b", b, "f64", n, { function: where });
  checkDistinctBlocks("b", b, a, "a", { function: where });
  const p = pivots.view;
  for (let j = 0; j < n; j++) {
    if (!(p[j] >= j && p[j] < n)) {
      throw new ValidationError("pivots", `must lie in [index, ${n}) as luFactor writes them`, p[j], {
        function: where,
        index: j,
      });
    }
  }
  checkFiniteBlock("b", b, n, { function: where });
}

function checkSolution(where: string, b: Block<"f64">, n: number): void {
  if (!Number.isFinite(kernels().blas1NormInfCheckedSimd(b.ptr, n))) {
    throw new SingularMatrixError(-1, 0, 0,
      `${where}: the solution overflowed: the matrix is too close to singular for this right-hand side`);
  }
}

/** b <- A^{-1} b (first n entries) with the factors and pivots from luFactor: x = U^{-1} L^{-1} P b. */
export function luSolve(a: Block<"f64">, n: number, pivots: Block<"i32">, b: Block<"f64">): void {
  checkSolve("luSolve", a, n, pivots, b);
  kernels().luSolveSimd(a.ptr, n, pivots.ptr, b.ptr);
  checkSolution("luSolve", b, n);
}

/** b <- A^{-T} b (first n entries) with the factors and pivots from luFactor: x = P^T L^{-T} U^{-T} b. */
export function luSolveTransposed(a: Block<"f64">, n: number, pivots: Block<"i32">, b: Block<"f64">): void {
  checkSolve("luSolveTransposed", a, n, pivots, b);
  kernels().luSolveTransposedSimd(a.ptr, n, pivots.ptr, b.ptr);
  checkSolution("luSolveTransposed", b, n);
}

/**
 * Preconditioned conjugate gradients for a symmetric positive (semi)definite
 * A (Hestenes & Stiefel 1952; Saad, Iterative Methods for Sparse Linear
 * Systems, 2nd ed., Alg. 9.1), with M^{-1} symmetric positive definite:
 *
 *   z = M^{-1} r,  alpha = r.z / p.A p,  x <- x + alpha p,  r <- r - alpha A p,
 *   beta = r'.z' / r.z,  p <- z' + beta p.
 *
 * One operator application per iteration and four work vectors of n doubles
 * (five with a preconditioner). As in bicgstab.ts, when the recurrence claims
 * convergence the true residual b - A x decides (a miss restarts from it), and
 * a breakdown (p.A p <= 0: A is singular or not positive along p) restarts
 * once from the true residual, then stops. On a singular but consistent system
 * (b in the range of A) it returns one of the solutions.
 */
import { f64Block, scratch, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { checkKrylov, finiteOrThrow, residual, type KrylovOptions, type KrylovResult, type LinearOperator } from "./operator.js";

/** What `cg` returns: the Krylov result and the CG steps taken (directions, not counting residual checks). */
export interface CgResult extends KrylovResult {
  steps: number;
}

/**
 * Solves A x = b by preconditioned CG, overwriting x (in: initial guess, out:
 * solution); b and x hold n = op.n entries. Converged means
 * |b - A x|_2 <= options.tolerance for the returned x. options.restart is ignored.
 */
export function cg(op: LinearOperator, b: Block<"f64">, x: Block<"f64">, options: KrylovOptions): CgResult {
  const s = checkKrylov("cg", op, b, x, options);
  const { n, tolerance, maxIterations, preconditioner } = s;
  if (n === 0) return { iterations: 0, residualNorm: 0, converged: true, steps: 0 };
  const k = kernels();

  return scratch((take) => {
    const r = take(f64Block(n));
    const p = take(f64Block(n));
    const q = take(f64Block(n));
    const z = preconditioner ? take(f64Block(n)) : r;

    let applies = 0;
    let steps = 0;
    let rNorm: number;
    if (s.zeroGuess) {
      k.blas1CopySimd(b.ptr, r.ptr, n);
      rNorm = finiteOrThrow("cg", Math.sqrt(k.dotSimd(r.ptr, r.ptr, n)));
    } else {
      rNorm = residual("cg", op, b, x, r, n);
      applies++;
    }
    let verified = true; // rNorm is |b - A x|, not the recurrence's value
    let fresh = true; // p must be (re)set from z
    let restarted = true; // no step completed since the last (re)start
    let rz = 0;

    /** Restart from the true residual; false if that is impossible or futile. */
    const restart = (): boolean => {
      if (restarted || applies + 1 > maxIterations) return false;
      rNorm = residual("cg", op, b, x, r, n);
      applies++;
      verified = true;
      fresh = true;
      restarted = true;
      return true;
    };

    for (;;) {
      if (rNorm <= tolerance) {
        if (verified) break;
        rNorm = residual("cg", op, b, x, r, n);
        applies++;
        verified = true;
        fresh = true; // the recurrence drifted from the true residual: start over from it
        restarted = false;
        continue;
      }
      // A step takes one application; keep one for the final true residual.
      if (applies + 2 > maxIterations) break;
      if (fresh) {
        if (preconditioner) preconditioner.apply(r, z);
        k.blas1CopySimd(z.ptr, p.ptr, n);
        rz = finiteOrThrow("cg", k.dotSimd(r.ptr, z.ptr, n));
        fresh = false;
      }
      op.apply(p, q);
      applies++;
      const pq = finiteOrThrow("cg", k.dotSimd(p.ptr, q.ptr, n));
      if (!(pq > 0)) {
        if (restart()) continue;
        break;
      }
      const alpha = rz / pq;
      k.axpySimd(alpha, p.ptr, x.ptr, n);
      rNorm = finiteOrThrow("cg", Math.sqrt(k.blas1AxpyDotSimd(-alpha, q.ptr, r.ptr, r.ptr, n)));
      steps++;
      verified = false;
      restarted = false;
      if (rNorm <= tolerance) continue;
      if (preconditioner) preconditioner.apply(r, z);
      const rzNext = finiteOrThrow("cg", k.dotSimd(r.ptr, z.ptr, n));
      // p <- z + beta p (BiCGSTAB's direction kernel with omega = 0).
      k.blas1DirectionSimd(z.ptr, q.ptr, p.ptr, rzNext / rz, 0, n);
      rz = rzNext;
    }
    if (!verified) {
      rNorm = residual("cg", op, b, x, r, n);
      applies++;
    }
    return { iterations: applies, residualNorm: rNorm, converged: rNorm <= tolerance, steps };
  });
}

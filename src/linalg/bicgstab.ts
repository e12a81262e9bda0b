/**
 * BiCGSTAB with right preconditioning (van der Vorst 1992, "Bi-CGSTAB: a fast
 * and smoothly converging variant of Bi-CG for the solution of nonsymmetric
 * linear systems"; Saad, Iterative Methods for Sparse Linear Systems, 2nd ed.,
 * Alg. 7.7 and §9.3). Per iteration, with shadow residual r^:
 *
 *   rho_i = r^.r,  beta = (rho_i / rho_{i-1}) (alpha / omega),  p <- r + beta (p - omega v)
 *   v = A M^{-1} p,  alpha = rho_i / r^.v,  s = r - alpha v
 *   t = A M^{-1} s,  omega = t.s / t.t,  x <- x + alpha M^{-1} p + omega M^{-1} s,  r <- s - omega t
 *
 * Two operator applications per iteration and five work vectors of n doubles
 * (six with a preconditioner), taken from the arena and freed before return.
 * When the recurrence claims convergence the true residual b - A x is computed
 * and decides; on a breakdown (rho, r^.v or t.t vanishing, omega = 0) the
 * method restarts from the true residual with r^ = r, and stops if it breaks
 * down again before completing an iteration. x is only ever updated with
 * finite coefficients, so it never holds NaN.
 */
import { f64Block, scratch, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { nrm2 } from "./blas1.js";
import { checkKrylov, finiteOrThrow, residual, type KrylovOptions, type KrylovResult, type LinearOperator } from "./operator.js";

/** r^.r below this fraction of |r^| |r| counts as a breakdown (the two are numerically orthogonal). */
const BREAKDOWN = 1e-14;

/**
 * Solves A x = b by BiCGSTAB, overwriting x (in: initial guess, out:
 * solution); b and x hold n = op.n entries. Converged means
 * |b - A x|_2 <= options.tolerance for the returned x. options.restart is ignored.
 */
export function bicgstab(op: LinearOperator, b: Block<"f64">, x: Block<"f64">, options: KrylovOptions): KrylovResult {
  const s = checkKrylov("bicgstab", op, b, x, options);
  const { n, tolerance, maxIterations, preconditioner } = s;
  if (n === 0) return { iterations: 0, residualNorm: 0, converged: true };
  const k = kernels();

  return scratch((take) => {
    const r = take(f64Block(n));
    const rHat = take(f64Block(n));
    const p = take(f64Block(n));
    const v = take(f64Block(n));
    const t = take(f64Block(n));
    const z = preconditioner ? take(f64Block(n)) : undefined;
    const pair = take(f64Block(2));

    let applies = 0;
    let rNorm: number;
    if (s.zeroGuess) {
      k.blas1CopySimd(b.ptr, r.ptr, n);
      rNorm = nrm2(r, n);
    } else {
      rNorm = residual("bicgstab", op, b, x, r, n);
      applies++;
    }
    let verified = true; // rNorm is |b - A x|, not the recurrence's value
    let fresh = true; // r^ and p must be (re)set from r
    let restarted = true; // no iteration completed since the last (re)start
    let rHatNorm = 0;
    let rho = 1;
    let alpha = 1;
    let omega = 1;

    /** Restart from the true residual; false if that is impossible or futile. */
    const restart = (): boolean => {
      if (restarted || applies + 1 > maxIterations) return false;
      rNorm = residual("bicgstab", op, b, x, r, n);
      applies++;
      verified = true;
      fresh = true;
      restarted = true;
      return true;
    };

    for (;;) {
      if (rNorm <= tolerance) {
        if (verified) break;
        rNorm = residual("bicgstab", op, b, x, r, n);
        applies++;
        verified = true;
        fresh = true; // the recurrence drifted from the true residual: start over from it
        restarted = false;
        continue;
      }
      // An iteration takes two applications; keep one for the final true residual.
      if (applies + 3 > maxIterations) break;
      if (fresh) {
        k.blas1CopySimd(r.ptr, rHat.ptr, n);
        k.blas1CopySimd(r.ptr, p.ptr, n);
        rHatNorm = rNorm;
        rho = rNorm * rNorm;
        fresh = false;
      } else {
        const rhoNext = k.dotSimd(rHat.ptr, r.ptr, n);
        if (!(Math.abs(rhoNext) > BREAKDOWN * rHatNorm * rNorm)) {
          if (restart()) continue;
          break;
        }
        const beta = (rhoNext / rho) * (alpha / omega);
        k.blas1DirectionSimd(r.ptr, v.ptr, p.ptr, beta, omega, n);
        rho = rhoNext;
      }

      let pHat = p;
      if (z) {
        preconditioner!.apply(p, z);
        pHat = z;
      }
      op.apply(pHat, v);
      applies++;
      alpha = rho / finiteOrThrow("bicgstab", k.dotSimd(rHat.ptr, v.ptr, n));
      if (!Number.isFinite(alpha)) {
        if (restart()) continue;
        break;
      }
      // r becomes s = r - alpha v.
      const sNorm = finiteOrThrow("bicgstab", Math.sqrt(k.blas1AxpyDotSimd(-alpha, v.ptr, r.ptr, r.ptr, n)));
      if (z) k.axpySimd(alpha, z.ptr, x.ptr, n); // before z is reused for M^{-1} s
      if (sNorm <= tolerance) {
        if (!z) k.axpySimd(alpha, p.ptr, x.ptr, n);
        rNorm = sNorm;
        verified = false;
        continue;
      }

      let sHat = r;
      if (z) {
        preconditioner!.apply(r, z);
        sHat = z;
      }
      op.apply(sHat, t);
      applies++;
      k.blas1Dot2Simd(t.ptr, t.ptr, r.ptr, pair.ptr, n);
      const tt = finiteOrThrow("bicgstab", pair.view[0]);
      omega = tt > 0 ? pair.view[1] / tt : 0;
      if (!Number.isFinite(omega)) omega = 0;
      if (z) k.axpySimd(omega, z.ptr, x.ptr, n);
      else k.blas1Axpy2Simd(alpha, p.ptr, omega, r.ptr, x.ptr, n);
      // r becomes s - omega t.
      rNorm = finiteOrThrow("bicgstab", Math.sqrt(k.blas1AxpyDotSimd(-omega, t.ptr, r.ptr, r.ptr, n)));
      verified = false;
      restarted = false;
      // omega = 0 stalls the method (the next direction would divide by it).
      if (omega === 0 && rNorm > tolerance && !restart()) break;
    }
    if (!verified) {
      rNorm = residual("bicgstab", op, b, x, r, n);
      applies++;
    }
    return { iterations: applies, residualNorm: rNorm, converged: rNorm <= tolerance };
  });
}

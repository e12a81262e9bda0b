/**
 * Restarted GMRES(m) with right preconditioning (Saad & Schultz 1986, "GMRES:
 * a generalized minimal residual algorithm for solving nonsymmetric linear
 * systems"; Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., Alg. 6.9
 * and §9.3.2). Each cycle builds an orthonormal basis v_0..v_j of the Krylov
 * space of A M^{-1} from r_0 / |r_0| by modified Gram-Schmidt, reduces the
 * (j+1)×j Hessenberg matrix H to upper triangular form with Givens rotations
 * (so |g_{j+1}| is the residual norm at no cost) and stops when it is below the
 * tolerance, the budget is spent or the space is invariant; then
 * x <- x + M^{-1} V y with R y = g and the true residual b - A x decides.
 *
 * Memory: m + 1 work vectors of n doubles (one more with a preconditioner),
 * taken from the arena and freed before return; H and the rotations are O(m^2)
 * Float64Arrays. Restarted GMRES never increases the residual; a cycle that
 * does not decrease it would repeat itself exactly, so the solver stops there.
 */
import { f64Block, scratch, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { nrm2 } from "./blas1.js";
import { checkKrylov, finiteOrThrow, residual, type KrylovOptions, type KrylovResult, type LinearOperator } from "./operator.js";

const SAFE_LOW = 2 ** -480;
const SAFE_HIGH = 2 ** 480;

/**
 * Solves A x = b by restarted GMRES(m), m = options.restart (default 20),
 * overwriting x (in: initial guess, out: solution); b and x hold n = op.n
 * entries. Converged means |b - A x|_2 <= options.tolerance for the returned x.
 */
export function gmres(op: LinearOperator, b: Block<"f64">, x: Block<"f64">, options: KrylovOptions): KrylovResult {
  const s = checkKrylov("gmres", op, b, x, options);
  const { n, tolerance, maxIterations, preconditioner } = s;
  if (n === 0) return { iterations: 0, residualNorm: 0, converged: true };
  const m = Math.min(s.restart, n);
  const k = kernels();

  return scratch((take) => {
    const basis: Block<"f64">[] = [];
    for (let i = 0; i <= m; i++) basis.push(take(f64Block(n)));
    const z = preconditioner ? take(f64Block(n)) : undefined;
    const pair = take(f64Block(2));
    const ld = m + 1;
    const h = new Float64Array(ld * m); // column j of H at j (m + 1)
    const cs = new Float64Array(m);
    const sn = new Float64Array(m);
    const g = new Float64Array(m + 1);
    const y = new Float64Array(m);
    const v0 = basis[0];

    let applies = 0;
    let beta: number;
    if (s.zeroGuess) {
      k.blas1CopySimd(b.ptr, v0.ptr, n);
      beta = nrm2(v0, n);
    } else {
      beta = residual("gmres", op, b, x, v0, n);
      applies++;
    }

    // A cycle needs one application per basis vector and one for the true residual.
    while (beta > tolerance && applies + 2 <= maxIterations) {
      k.blas1ScaleSimd(1 / beta, v0.ptr, n);
      g.fill(0);
      g[0] = beta;
      let j = 0;
      while (j < m && applies + 2 <= maxIterations) {
        const w = basis[j + 1];
        if (z) {
          preconditioner!.apply(basis[j], z);
          op.apply(z, w);
        } else {
          op.apply(basis[j], w);
        }
        applies++;
        // Modified Gram-Schmidt, each projection fused with the next coefficient's dot product.
        k.blas1Dot2Simd(w.ptr, v0.ptr, w.ptr, pair.ptr, n);
        const norm0 = finiteOrThrow("gmres", Math.sqrt(pair.view[1]));
        let c = pair.view[0];
        const col = j * ld;
        for (let i = 0; i <= j; i++) {
          h[col + i] = c;
          c = k.blas1AxpyDotSimd(-c, basis[i].ptr, w.ptr, (i < j ? basis[i + 1] : w).ptr, n);
        }
        const hNext = finiteOrThrow("gmres", c > SAFE_LOW && c < SAFE_HIGH ? Math.sqrt(c) : nrm2(w, n));
        for (let i = 0; i < j; i++) {
          const a = h[col + i];
          const bb = h[col + i + 1];
          h[col + i] = cs[i] * a + sn[i] * bb;
          h[col + i + 1] = cs[i] * bb - sn[i] * a;
        }
        const a = h[col + j];
        const rr = Math.hypot(a, hNext);
        if (rr === 0) break; // A M^{-1} v_j = 0: A is singular on this space; keep the j columns so far
        cs[j] = a / rr;
        sn[j] = hNext / rr;
        h[col + j] = rr;
        g[j + 1] = -sn[j] * g[j];
        g[j] = cs[j] * g[j];
        j++;
        // Invariant subspace (the "happy breakdown") when the new direction is round-off of A v_j.
        if (Math.abs(g[j]) <= tolerance || hNext <= Number.EPSILON * norm0) break;
        k.blas1ScaleSimd(1 / hNext, w.ptr, n);
      }
      if (j === 0) break;

      // R y = g by back substitution; R is nonsingular (every diagonal entry is a positive hypot).
      for (let i = j - 1; i >= 0; i--) {
        let t = g[i];
        for (let l = i + 1; l < j; l++) t -= h[l * ld + i] * y[l];
        y[i] = t / h[i * ld + i];
      }
      if (!y.subarray(0, j).every(Number.isFinite)) break;

      if (z) {
        k.blas1AxpbySimd(y[0], v0.ptr, 0, z.ptr, n);
        for (let i = 1; i < j; i++) k.axpySimd(y[i], basis[i].ptr, z.ptr, n);
        preconditioner!.apply(z, v0);
        k.axpySimd(1, v0.ptr, x.ptr, n);
      } else {
        for (let i = 0; i < j; i++) k.axpySimd(y[i], basis[i].ptr, x.ptr, n);
      }
      const next = residual("gmres", op, b, x, v0, n);
      applies++;
      const stalled = !(next < beta);
      beta = next;
      if (stalled) break;
    }
    return { iterations: applies, residualNorm: beta, converged: beta <= tolerance };
  });
}

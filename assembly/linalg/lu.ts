// Dense LU factorisation with partial pivoting, P A = L U, and the two solves
// A x = b and A^T x = b with the same factors. The plain-TypeScript twin is
// src/linalg/lu.twin.ts (textbook unblocked right-looking elimination).
//
// Layout: A is n×n row-major, A[i][j] at byte a + 8 (i n + j). The factors
// overwrite A as in LAPACK's dgetrf: the strict lower triangle holds L (unit
// diagonal implied), the upper triangle U. pivots[j] = p (i32, p >= j) records
// that rows j and p were swapped at step j, in order j = 0, 1, ..., n-1.
//
// Algorithm: right-looking blocked LU (Golub & Van Loan, Matrix Computations,
// 4th ed., ch. 3, block LU with partial pivoting; LAPACK dgetrf): for each
// panel of NB columns, (1) factor the tall panel with partial pivoting,
// recursively by halves down to 8 columns, swapping whole rows; (2) U12 <- L11^{-1} A12 by forward substitution, done on packed
// 4-column strips that are kept as the packed right operand of (3); (3) the
// trailing update A22 <- A22 - L21 U12 by a GotoBLAS-style packed GEMM with a
// 4×4 register-blocked SIMD micro-kernel.
//
// Every entry receives its updates a <- a - l u one at a time in increasing
// pivot order, exactly as in unblocked elimination (no partial sums are formed),
// so the blocked SIMD kernel, its scalar twin and the textbook TypeScript twin
// give bit-identical factors and pivots. WebAssembly has no fused multiply-add
// in the base SIMD set, so nothing is contracted behind our back either.
// Steps (2) and (3) live in lu-blocks.ts.

import { gemmUpdate, MC, solveAndPackU } from "./lu-blocks";

/** Panel width (columns factored per step; also the GEMM depth). */
const NB: i32 = 64;
/** Panels this narrow are factored column by column; wider ones recursively. */
const PANEL_BASE: i32 = 8;

/** f64 entries of workspace luFactorSimd/luFactorScalar need for an n×n matrix. */
export function luWorkLength(n: i32): i32 {
  return n <= 0 ? 0 : NB * ((n + 3) & ~3) + MC * NB;
}

// ---------------------------------------------------------------- helpers

/** y[0..w) <- y - l x, elementwise a - l u (the elimination update). */
@inline function subScaled<V>(l: f64, x: usize, y: usize, w: i32): void {
  let c = 0;
  if (isVector<V>()) {
    const lv = f64x2.splat(l);
    for (; c + 4 <= w; c += 4) {
      const o = <usize>c << 3;
      v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(lv, v128.load(x + o))));
      v128.store(y + o, f64x2.sub(v128.load(y + o, 16), f64x2.mul(lv, v128.load(x + o, 16))), 16);
    }
    if (c + 2 <= w) {
      const o = <usize>c << 3;
      v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(lv, v128.load(x + o))));
      c += 2;
    }
  }
  for (; c < w; c++) {
    const o = <usize>c << 3;
    store<f64>(y + o, load<f64>(y + o) - l * load<f64>(x + o));
  }
}

/** Swaps w f64 entries at x and y. */
@inline function swapRange<V>(x: usize, y: usize, w: i32): void {
  let c = 0;
  if (isVector<V>()) {
    for (; c + 2 <= w; c += 2) {
      const o = <usize>c << 3;
      const t = v128.load(x + o);
      v128.store(x + o, v128.load(y + o));
      v128.store(y + o, t);
    }
  }
  for (; c < w; c++) {
    const o = <usize>c << 3;
    const t = load<f64>(x + o);
    store<f64>(x + o, load<f64>(y + o));
    store<f64>(y + o, t);
  }
}

/** sum_c x[c] y[c] for c in [0, w); SIMD sums in four lanes, then pairs them. */
@inline function dotRange<V>(x: usize, y: usize, w: i32): f64 {
  let c = 0;
  let s = 0.0;
  if (isVector<V>()) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (; c + 4 <= w; c += 4) {
      const o = <usize>c << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    }
    const a = f64x2.add(a0, a1);
    s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  }
  for (; c < w; c++) {
    const o = <usize>c << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

// ---------------------------------------------------------------- panel

/**
 * Unblocked partial-pivoting elimination (LAPACK dgetf2) of columns [j0, j0+w)
 * over rows [j0, n), swapping whole rows. Returns the first column whose
 * largest candidate pivot is not above `threshold`, or -1.
 */
@inline function factorColumns<V>(a: usize, n: i32, piv: usize, j0: i32, w: i32, threshold: f64): i32 {
  const ld = <usize>n << 3;
  for (let j = j0; j < j0 + w; j++) {
    const cj = <usize>j << 3;
    let p = j;
    let best = abs(load<f64>(a + <usize>j * ld + cj));
    for (let i = j + 1; i < n; i++) {
      const v = abs(load<f64>(a + <usize>i * ld + cj));
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > threshold)) return j;
    store<i32>(piv + (<usize>j << 2), p);
    const rj = a + <usize>j * ld;
    if (p != j) swapRange<V>(rj, a + <usize>p * ld, n);
    const pivot = load<f64>(rj + cj);
    const rest = j0 + w - j - 1;
    const uj = rj + cj + 8;
    for (let i = j + 1; i < n; i++) {
      const ri = a + <usize>i * ld;
      const l = load<f64>(ri + cj) / pivot;
      store<f64>(ri + cj, l);
      subScaled<V>(l, uj, ri + cj + 8, rest);
    }
  }
  return -1;
}

/**
 * Recursive panel factorisation (Toledo, "Locality of reference in LU
 * decomposition with partial pivoting", SIAM J. Matrix Anal. Appl. 18(4), 1997;
 * Gustavson, IBM J. Res. Dev. 41(6), 1997): factor the left
 * half, solve for the top of the right half, update the rest of the right half
 * by GEMM, factor the right half. Most of the panel's flops then run in the
 * GEMM micro-kernel instead of memory-bound rank-1 updates.
 */
function factorPanel<V>(a: usize, n: i32, piv: usize, j0: i32, w: i32, threshold: f64, up: usize, lp: usize): i32 {
  if (w <= PANEL_BASE) return factorColumns<V>(a, n, piv, j0, w, threshold);
  const w1 = ((w >> 1) + 3) & ~3;
  const left = factorPanel<V>(a, n, piv, j0, w1, threshold, up, lp);
  if (left >= 0) return left;
  solveAndPackU<V>(a, n, j0, w1, j0 + w1, j0 + w, up);
  gemmUpdate<V>(a, n, j0, w1, j0 + w1, n, j0 + w1, j0 + w, up, lp);
  return factorPanel<V>(a, n, piv, j0 + w1, w - w1, threshold, up, lp);
}

// ---------------------------------------------------------------- drivers

@inline function factor<V>(a: usize, n: i32, piv: usize, work: usize, threshold: f64): i32 {
  const up = work;
  const lp = work + (<usize>(NB * ((n + 3) & ~3)) << 3);
  for (let k = 0; k < n; k += NB) {
    const kb = min(NB, n - k);
    const bad = factorPanel<V>(a, n, piv, k, kb, threshold, up, lp);
    if (bad >= 0) return bad;
    if (k + kb < n) {
      solveAndPackU<V>(a, n, k, kb, k + kb, n, up);
      gemmUpdate<V>(a, n, k, kb, k + kb, n, k + kb, n, up, lp);
    }
  }
  return -1;
}

/**
 * Factors the n×n row-major matrix at `a` in place, P A = L U, recording the
 * row swaps in the i32 array `piv` (n entries). `work` holds luWorkLength(n)
 * f64. Returns -1, or the first column j whose pivot |U[j][j]| would not be
 * above `threshold` (the factorisation stops there; a is then partly updated).
 */
export function luFactorSimd(a: usize, n: i32, piv: usize, work: usize, threshold: f64): i32 {
  return factor<v128>(a, n, piv, work, threshold);
}

/** Scalar twin of luFactorSimd: the same blocking, one f64 at a time; bit-identical results. */
export function luFactorScalar(a: usize, n: i32, piv: usize, work: usize, threshold: f64): i32 {
  return factor<f64>(a, n, piv, work, threshold);
}

// ---------------------------------------------------------------- solves

/** b[j] <-> b[piv[j]] for j = 0..n-1 (forward = true) or n-1..0. */
@inline function permute(b: usize, n: i32, piv: usize, forward: bool): void {
  for (let s = 0; s < n; s++) {
    const j = forward ? s : n - 1 - s;
    const p = load<i32>(piv + (<usize>j << 2));
    if (p != j) {
      const bj = b + (<usize>j << 3);
      const bp = b + (<usize>p << 3);
      const t = load<f64>(bj);
      store<f64>(bj, load<f64>(bp));
      store<f64>(bp, t);
    }
  }
}

/**
 * b <- A^{-1} b from the factors: x = U^{-1} L^{-1} P b. Both substitutions
 * run along rows (dot products), the access order of row-major storage.
 */
@inline function solve<V>(a: usize, n: i32, piv: usize, b: usize): void {
  const ld = <usize>n << 3;
  permute(b, n, piv, true);
  for (let i = 1; i < n; i++) {
    const bi = b + (<usize>i << 3);
    store<f64>(bi, load<f64>(bi) - dotRange<V>(a + <usize>i * ld, b, i));
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = a + <usize>i * ld + (<usize>i << 3);
    const bi = b + (<usize>i << 3);
    const s = dotRange<V>(ri + 8, bi + 8, n - 1 - i);
    store<f64>(bi, (load<f64>(bi) - s) / load<f64>(ri));
  }
}

/**
 * b <- A^{-T} b from the factors: A^T = U^T L^T P, so x = P^T L^{-T} U^{-T} b.
 * Both substitutions are column-oriented in the transposed factors, that is
 * row updates b <- b - x_j (row j of U or L), the access order of row-major storage.
 */
@inline function solveTransposed<V>(a: usize, n: i32, piv: usize, b: usize): void {
  const ld = <usize>n << 3;
  for (let j = 0; j < n; j++) {
    const rj = a + <usize>j * ld + (<usize>j << 3);
    const bj = b + (<usize>j << 3);
    const x = load<f64>(bj) / load<f64>(rj);
    store<f64>(bj, x);
    subScaled<V>(x, rj + 8, bj + 8, n - 1 - j);
  }
  for (let j = n - 1; j > 0; j--) {
    subScaled<V>(load<f64>(b + (<usize>j << 3)), a + <usize>j * ld, b, j);
  }
  permute(b, n, piv, false);
}

/** b <- A^{-1} b (n entries) with the factors and pivots of luFactorSimd. */
export function luSolveSimd(a: usize, n: i32, piv: usize, b: usize): void {
  solve<v128>(a, n, piv, b);
}

/** b <- A^{-1} b, scalar twin (dot products summed left to right). */
export function luSolveScalar(a: usize, n: i32, piv: usize, b: usize): void {
  solve<f64>(a, n, piv, b);
}

/** b <- A^{-T} b (n entries) with the factors and pivots of luFactorSimd. */
export function luSolveTransposedSimd(a: usize, n: i32, piv: usize, b: usize): void {
  solveTransposed<v128>(a, n, piv, b);
}

/** b <- A^{-T} b, scalar twin; bit-identical to the SIMD kernel. */
export function luSolveTransposedScalar(a: usize, n: i32, piv: usize, b: usize): void {
  solveTransposed<f64>(a, n, piv, b);
}

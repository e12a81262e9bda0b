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
// panel of NB columns, (1) factor the tall panel with partial pivoting, swapping
// whole rows; (2) U12 <- L11^{-1} A12 by forward substitution, done on packed
// 4-column strips that are kept as the packed right operand of (3); (3) the
// trailing update A22 <- A22 - L21 U12 by a GotoBLAS-style packed GEMM with a
// 4×4 register-blocked SIMD micro-kernel.
//
// Every entry receives its updates a <- a - l u one at a time in increasing
// pivot order, exactly as in unblocked elimination (no partial sums are formed),
// so the blocked SIMD kernel, its scalar twin and the textbook TypeScript twin
// give bit-identical factors and pivots. WebAssembly has no fused multiply-add
// in the base SIMD set, so nothing is contracted behind our back either.

/** Panel width (columns factored per step; also the GEMM depth). */
const NB: i32 = 64;
/** Rows of L21 packed at a time, sized so the packed block (MC×NB f64 = 64 KiB) stays in L2. */
const MC: i32 = 128;
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
 * Recursive panel factorisation (Toledo 1997; Gustavson 1997): factor the left
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

// ---------------------------------------------------------------- U12

/**
 * U12 <- L11^{-1} A12 for rows [k, k+kb), columns [c0, c1): forward
 * substitution with the unit lower triangle L11 at rows and columns [k, k+kb).
 * Full 4-column strips are solved in the packed buffer `up` (strip s at
 * up + 32 s kb bytes, its row p at + 32 p) and copied back, four strips at a
 * time so that eight independent accumulators hide the add latency; `up` then
 * feeds gemmUpdate as its packed right operand.
 */
@inline function solveAndPackU<V>(a: usize, n: i32, k: i32, kb: i32, c0: i32, c1: i32, up: usize): void {
  const ld = <usize>n << 3;
  const strips = (c1 - c0) >> 2;
  const diag = a + <usize>k * ld + (<usize>k << 3);
  const stripBytes = <usize>kb << 5;
  let s = 0;
  if (isVector<V>()) {
    for (; s + 4 <= strips; s += 4) {
      const dst = up + <usize>s * stripBytes;
      const col = a + <usize>k * ld + (<usize>(c0 + (s << 2)) << 3);
      for (let i = 0; i < kb; i++) {
        const src = col + <usize>i * ld;
        const li = diag + <usize>i * ld;
        let u0 = v128.load(src);
        let u1 = v128.load(src, 16);
        let u2 = v128.load(src, 32);
        let u3 = v128.load(src, 48);
        let u4 = v128.load(src, 64);
        let u5 = v128.load(src, 80);
        let u6 = v128.load(src, 96);
        let u7 = v128.load(src, 112);
        for (let p = 0; p < i; p++) {
          const l = v128.load64_splat(li + (<usize>p << 3));
          const d0 = dst + (<usize>p << 5);
          const d1 = d0 + stripBytes;
          const d2 = d1 + stripBytes;
          const d3 = d2 + stripBytes;
          u0 = f64x2.sub(u0, f64x2.mul(l, v128.load(d0)));
          u1 = f64x2.sub(u1, f64x2.mul(l, v128.load(d0, 16)));
          u2 = f64x2.sub(u2, f64x2.mul(l, v128.load(d1)));
          u3 = f64x2.sub(u3, f64x2.mul(l, v128.load(d1, 16)));
          u4 = f64x2.sub(u4, f64x2.mul(l, v128.load(d2)));
          u5 = f64x2.sub(u5, f64x2.mul(l, v128.load(d2, 16)));
          u6 = f64x2.sub(u6, f64x2.mul(l, v128.load(d3)));
          u7 = f64x2.sub(u7, f64x2.mul(l, v128.load(d3, 16)));
        }
        const d0 = dst + (<usize>i << 5);
        const d1 = d0 + stripBytes;
        const d2 = d1 + stripBytes;
        const d3 = d2 + stripBytes;
        v128.store(d0, u0);
        v128.store(d0, u1, 16);
        v128.store(d1, u2);
        v128.store(d1, u3, 16);
        v128.store(d2, u4);
        v128.store(d2, u5, 16);
        v128.store(d3, u6);
        v128.store(d3, u7, 16);
        v128.store(src, u0);
        v128.store(src, u1, 16);
        v128.store(src, u2, 32);
        v128.store(src, u3, 48);
        v128.store(src, u4, 64);
        v128.store(src, u5, 80);
        v128.store(src, u6, 96);
        v128.store(src, u7, 112);
      }
    }
  }
  for (; s < strips; s++) {
    const dst = up + <usize>s * stripBytes;
    const col = a + <usize>k * ld + (<usize>(c0 + (s << 2)) << 3);
    for (let i = 0; i < kb; i++) {
      const src = col + <usize>i * ld;
      const li = diag + <usize>i * ld;
      const di = dst + (<usize>i << 5);
      if (isVector<V>()) {
        let u0 = v128.load(src);
        let u1 = v128.load(src, 16);
        for (let p = 0; p < i; p++) {
          const l = v128.load64_splat(li + (<usize>p << 3));
          const dp = dst + (<usize>p << 5);
          u0 = f64x2.sub(u0, f64x2.mul(l, v128.load(dp)));
          u1 = f64x2.sub(u1, f64x2.mul(l, v128.load(dp, 16)));
        }
        v128.store(di, u0);
        v128.store(di, u1, 16);
        v128.store(src, u0);
        v128.store(src, u1, 16);
      } else {
        let u0 = load<f64>(src);
        let u1 = load<f64>(src, 8);
        let u2 = load<f64>(src, 16);
        let u3 = load<f64>(src, 24);
        for (let p = 0; p < i; p++) {
          const l = load<f64>(li + (<usize>p << 3));
          const dp = dst + (<usize>p << 5);
          u0 = u0 - l * load<f64>(dp);
          u1 = u1 - l * load<f64>(dp, 8);
          u2 = u2 - l * load<f64>(dp, 16);
          u3 = u3 - l * load<f64>(dp, 24);
        }
        store<f64>(di, u0);
        store<f64>(di, u1, 8);
        store<f64>(di, u2, 16);
        store<f64>(di, u3, 24);
        store<f64>(src, u0);
        store<f64>(src, u1, 8);
        store<f64>(src, u2, 16);
        store<f64>(src, u3, 24);
      }
    }
  }
  // The last (c1 - c0) mod 4 columns, in place.
  for (let c = c0 + (strips << 2); c < c1; c++) {
    const cc = <usize>c << 3;
    for (let i = 1; i < kb; i++) {
      const ri = a + <usize>(k + i) * ld;
      let u = load<f64>(ri + cc);
      for (let p = 0; p < i; p++) {
        u = u - load<f64>(ri + (<usize>(k + p) << 3)) * load<f64>(a + <usize>(k + p) * ld + cc);
      }
      store<f64>(ri + cc, u);
    }
  }
}

// ---------------------------------------------------------------- GEMM

/**
 * Packs rows [r0, r0+mc) (mc a multiple of 4), columns [k, k+kb) of A into `lp`:
 * strip t (rows r0+t..r0+t+3, t a multiple of 4) at lp + 8 t kb bytes, entry (p, r) at + 8 (4p + r).
 */
@inline function packL(a: usize, n: i32, k: i32, kb: i32, r0: i32, mc: i32, lp: usize): void {
  const ld = <usize>n << 3;
  for (let t = 0; t < mc; t += 4) {
    const src = a + <usize>(r0 + t) * ld + (<usize>k << 3);
    const dst = lp + <usize>t * (<usize>kb << 3);
    for (let p = 0; p < kb; p++) {
      const o = <usize>p << 3;
      const d = dst + (<usize>p << 5);
      store<f64>(d, load<f64>(src + o));
      store<f64>(d, load<f64>(src + ld + o), 8);
      store<f64>(d, load<f64>(src + 2 * ld + o), 16);
      store<f64>(d, load<f64>(src + 3 * ld + o), 24);
    }
  }
}

/**
 * C <- C - L U on one 4×4 tile: C at c (row stride ld bytes), L the packed
 * 4×kb strip at lp, U the packed kb×4 strip at up. Eight accumulators, two U
 * registers and one broadcast L value fit the 16 XMM registers of x86-64.
 */
@inline function tile4x4Simd(lp: usize, up: usize, c: usize, kb: i32, ld: usize): void {
  const c1 = c + ld;
  const c2 = c1 + ld;
  const c3 = c2 + ld;
  let x00 = v128.load(c);
  let x01 = v128.load(c, 16);
  let x10 = v128.load(c1);
  let x11 = v128.load(c1, 16);
  let x20 = v128.load(c2);
  let x21 = v128.load(c2, 16);
  let x30 = v128.load(c3);
  let x31 = v128.load(c3, 16);
  for (let p = 0; p < kb; p++) {
    const u0 = v128.load(up);
    const u1 = v128.load(up, 16);
    let l = v128.load64_splat(lp);
    x00 = f64x2.sub(x00, f64x2.mul(l, u0));
    x01 = f64x2.sub(x01, f64x2.mul(l, u1));
    l = v128.load64_splat(lp, 8);
    x10 = f64x2.sub(x10, f64x2.mul(l, u0));
    x11 = f64x2.sub(x11, f64x2.mul(l, u1));
    l = v128.load64_splat(lp, 16);
    x20 = f64x2.sub(x20, f64x2.mul(l, u0));
    x21 = f64x2.sub(x21, f64x2.mul(l, u1));
    l = v128.load64_splat(lp, 24);
    x30 = f64x2.sub(x30, f64x2.mul(l, u0));
    x31 = f64x2.sub(x31, f64x2.mul(l, u1));
    lp += 32;
    up += 32;
  }
  v128.store(c, x00);
  v128.store(c, x01, 16);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
  v128.store(c2, x20);
  v128.store(c2, x21, 16);
  v128.store(c3, x30);
  v128.store(c3, x31, 16);
}

/** Scalar twin of tile4x4Simd, two rows at a time (eight scalar accumulators). */
@inline function tile4x4Scalar(lp: usize, up: usize, c: usize, kb: i32, ld: usize): void {
  for (let h = 0; h < 4; h += 2) {
    const ca = c + <usize>h * ld;
    const cb = ca + ld;
    let a0 = load<f64>(ca);
    let a1 = load<f64>(ca, 8);
    let a2 = load<f64>(ca, 16);
    let a3 = load<f64>(ca, 24);
    let b0 = load<f64>(cb);
    let b1 = load<f64>(cb, 8);
    let b2 = load<f64>(cb, 16);
    let b3 = load<f64>(cb, 24);
    let l = lp + (<usize>h << 3);
    let u = up;
    for (let p = 0; p < kb; p++) {
      const la = load<f64>(l);
      const lb = load<f64>(l, 8);
      const u0 = load<f64>(u);
      const u1 = load<f64>(u, 8);
      const u2 = load<f64>(u, 16);
      const u3 = load<f64>(u, 24);
      a0 = a0 - la * u0;
      a1 = a1 - la * u1;
      a2 = a2 - la * u2;
      a3 = a3 - la * u3;
      b0 = b0 - lb * u0;
      b1 = b1 - lb * u1;
      b2 = b2 - lb * u2;
      b3 = b3 - lb * u3;
      l += 32;
      u += 32;
    }
    store<f64>(ca, a0);
    store<f64>(ca, a1, 8);
    store<f64>(ca, a2, 16);
    store<f64>(ca, a3, 24);
    store<f64>(cb, b0);
    store<f64>(cb, b1, 8);
    store<f64>(cb, b2, 16);
    store<f64>(cb, b3, 24);
  }
}

/**
 * C <- C - L U with C = A[r0..r1)[c0..c1), L = A[r0..r1)[k..k+kb) and
 * U = A[k..k+kb)[c0..c1), the full 4-column strips of U already packed in
 * `up` by solveAndPackU. Rows are packed MC at a time into `lp`; within such a
 * block each packed U strip stays in L1 while the L strips stream past it.
 * The last (r1 - r0) mod 4 rows and (c1 - c0) mod 4 columns are done one entry at a time.
 */
@inline function gemmUpdate<V>(a: usize, n: i32, k: i32, kb: i32, r0: i32, r1: i32, c0: i32, c1: i32, up: usize, lp: usize): void {
  const ld = <usize>n << 3;
  const m4 = (r1 - r0) & ~3;
  const w4 = (c1 - c0) & ~3;
  const stripBytes = <usize>kb << 5;
  for (let ic = 0; ic < m4; ic += MC) {
    const mc = min(MC, m4 - ic);
    const rb = r0 + ic;
    packL(a, n, k, kb, rb, mc, lp);
    for (let js = 0; js < w4; js += 4) {
      const u = up + <usize>(js >> 2) * stripBytes;
      const c = a + <usize>rb * ld + (<usize>(c0 + js) << 3);
      for (let t = 0; t < mc; t += 4) {
        const l = lp + <usize>(t >> 2) * stripBytes;
        if (isVector<V>()) tile4x4Simd(l, u, c + <usize>t * ld, kb, ld);
        else tile4x4Scalar(l, u, c + <usize>t * ld, kb, ld);
      }
    }
  }
  const kk = <usize>k << 3;
  for (let i = r0; i < r1; i++) {
    const ri = a + <usize>i * ld;
    const jStart = i < r0 + m4 ? c0 + w4 : c0;
    for (let j = jStart; j < c1; j++) {
      const cj = <usize>j << 3;
      let x = load<f64>(ri + cj);
      for (let p = 0; p < kb; p++) {
        x = x - load<f64>(ri + kk + (<usize>p << 3)) * load<f64>(a + <usize>(k + p) * ld + cj);
      }
      store<f64>(ri + cj, x);
    }
  }
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

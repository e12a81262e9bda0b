// The level-3 steps of the blocked LU in lu.ts: the block row U12 <- L11^{-1} A12,
// solved in packed 4-column strips, and the trailing update C <- C - L U by a
// packed GEMM (GotoBLAS layout: Goto & van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3), 2008) around a 4×4
// register-blocked micro-kernel. Every entry is updated a <- a - l u one pivot
// at a time, in increasing pivot order, so results equal unblocked elimination
// bit for bit. The generic parameter V is v128 for SIMD code, f64 for the scalar twin.
// Byte addresses as in lu.ts: A[i][j] at a + 8 (i n + j).

/** Rows of L21 packed at a time, sized so the packed block (MC×64 f64 = 64 KiB) stays in L2. */
export const MC: i32 = 128;

// ---------------------------------------------------------------- U12

/**
 * U12 <- L11^{-1} A12 for rows [k, k+kb), columns [c0, c1): forward
 * substitution with the unit lower triangle L11 at rows and columns [k, k+kb).
 * Full 4-column strips are solved in the packed buffer `up` (strip s at
 * up + 32 s kb bytes, its row p at + 32 p) and copied back, four strips at a
 * time so that eight independent accumulators hide the add latency; `up` then
 * feeds gemmUpdate as its packed right operand.
 */
@inline export function solveAndPackU<V>(a: usize, n: i32, k: i32, kb: i32, c0: i32, c1: i32, up: usize): void {
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
@inline export function gemmUpdate<V>(a: usize, n: i32, k: i32, kb: i32, r0: i32, r1: i32, c0: i32, c1: i32, up: usize, lp: usize): void {
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


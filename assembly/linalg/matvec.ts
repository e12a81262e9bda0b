// Dense row-major matrix-vector products over f64 (level-2 BLAS dgemv), each
// as a SIMD kernel and its scalar twin; the plain-TypeScript twin is
// src/linalg/matvec.twin.ts. `m` points at a rows×cols matrix stored row by row,
// M[i][j] at byte m + 8 (i cols + j). Any rows, cols >= 0 are allowed.
// When beta = 0, y is written without being read, so stale NaNs in y vanish.

/**
 * y <- alpha M x + beta y (gemv), y_i = alpha sum_j M[i][j] x[j] + beta y_i.
 * x has cols entries, y has rows entries, i in [0, rows), j in [0, cols).
 * Four rows share each load of x; every row sums its even and odd columns in
 * the two lanes of one accumulator.
 */
export function denseGemvSimd(m: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f64, beta: f64): void {
  const ld = <usize>cols << 3;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = m + <usize>i * ld;
    const r1 = r0 + ld;
    const r2 = r1 + ld;
    const r3 = r2 + ld;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const xv = v128.load(x + o);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + o), xv));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + o), xv));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(r2 + o), xv));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(r3 + o), xv));
    }
    let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    let s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    let s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
    if (j < cols) {
      const o = <usize>j << 3;
      const xj = load<f64>(x + o);
      s0 += load<f64>(r0 + o) * xj;
      s1 += load<f64>(r1 + o) * xj;
      s2 += load<f64>(r2 + o) * xj;
      s3 += load<f64>(r3 + o) * xj;
    }
    const yi = y + (<usize>i << 3);
    if (beta == 0) {
      store<f64>(yi, alpha * s0);
      store<f64>(yi, alpha * s1, 8);
      store<f64>(yi, alpha * s2, 16);
      store<f64>(yi, alpha * s3, 24);
    } else {
      store<f64>(yi, alpha * s0 + beta * load<f64>(yi));
      store<f64>(yi, alpha * s1 + beta * load<f64>(yi, 8), 8);
      store<f64>(yi, alpha * s2 + beta * load<f64>(yi, 16), 16);
      store<f64>(yi, alpha * s3 + beta * load<f64>(yi, 24), 24);
    }
  }
  for (; i < rows; i++) {
    const r = m + <usize>i * ld;
    let acc = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      acc = f64x2.add(acc, f64x2.mul(v128.load(r + o), v128.load(x + o)));
    }
    let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (j < cols) s += load<f64>(r + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
    const yi = y + (<usize>i << 3);
    store<f64>(yi, beta == 0 ? alpha * s : alpha * s + beta * load<f64>(yi));
  }
}

/** y <- alpha M x + beta y, scalar twin (each row summed left to right). */
export function denseGemvScalar(m: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f64, beta: f64): void {
  const ld = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const r = m + <usize>i * ld;
    let s = 0.0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      s += load<f64>(r + o) * load<f64>(x + o);
    }
    const yi = y + (<usize>i << 3);
    store<f64>(yi, beta == 0 ? alpha * s : alpha * s + beta * load<f64>(yi));
  }
}

/** y <- beta y, with beta = 0 writing exact zeros. */
@inline function scaleOrClear(y: usize, n: i32, beta: f64): void {
  if (beta == 1) return;
  if (beta == 0) {
    memory.fill(y, 0, <usize>n << 3);
    return;
  }
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(y + o, beta * load<f64>(y + o));
  }
}

/**
 * y <- alpha M^T x + beta y (transposed gemv), y_j = alpha sum_i M[i][j] x[i] + beta y_j.
 * x has rows entries, y has cols entries. Computed as y <- beta y followed by
 * the row updates y <- y + (alpha x_i) M[i][.] for i = 0, 1, ... in order, four
 * rows per pass over y (same rounding as four separate passes).
 */
export function denseGemvTransposedSimd(m: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f64, beta: f64): void {
  scaleOrClear(y, cols, beta);
  const ld = <usize>cols << 3;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = m + <usize>i * ld;
    const r1 = r0 + ld;
    const r2 = r1 + ld;
    const r3 = r2 + ld;
    const xi = x + (<usize>i << 3);
    const c0 = alpha * load<f64>(xi);
    const c1 = alpha * load<f64>(xi, 8);
    const c2 = alpha * load<f64>(xi, 16);
    const c3 = alpha * load<f64>(xi, 24);
    const v0 = f64x2.splat(c0);
    const v1 = f64x2.splat(c1);
    const v2 = f64x2.splat(c2);
    const v3 = f64x2.splat(c3);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      let acc = v128.load(y + o);
      acc = f64x2.add(acc, f64x2.mul(v0, v128.load(r0 + o)));
      acc = f64x2.add(acc, f64x2.mul(v1, v128.load(r1 + o)));
      acc = f64x2.add(acc, f64x2.mul(v2, v128.load(r2 + o)));
      acc = f64x2.add(acc, f64x2.mul(v3, v128.load(r3 + o)));
      v128.store(y + o, acc);
    }
    if (j < cols) {
      const o = <usize>j << 3;
      let s = load<f64>(y + o);
      s += c0 * load<f64>(r0 + o);
      s += c1 * load<f64>(r1 + o);
      s += c2 * load<f64>(r2 + o);
      s += c3 * load<f64>(r3 + o);
      store<f64>(y + o, s);
    }
  }
  for (; i < rows; i++) {
    const r = m + <usize>i * ld;
    const c = alpha * load<f64>(x + (<usize>i << 3));
    const v = f64x2.splat(c);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(v, v128.load(r + o))));
    }
    if (j < cols) {
      const o = <usize>j << 3;
      store<f64>(y + o, load<f64>(y + o) + c * load<f64>(r + o));
    }
  }
}

/** y <- alpha M^T x + beta y, scalar twin (one pass over y per row). */
export function denseGemvTransposedScalar(m: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f64, beta: f64): void {
  scaleOrClear(y, cols, beta);
  const ld = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const r = m + <usize>i * ld;
    const c = alpha * load<f64>(x + (<usize>i << 3));
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      store<f64>(y + o, load<f64>(y + o) + c * load<f64>(r + o));
    }
  }
}

// Level-1 vector kernels over f64 for the Krylov solvers (src/linalg/gmres.ts,
// src/linalg/bicgstab.ts), each as a SIMD kernel and its scalar twin; the
// plain-TypeScript twins are in src/linalg/blas1.twin.ts. dot, axpy and normInf
// live in vector.ts. Fused kernels exist to save passes over memory: at
// n = 10^6 every pass over a vector costs about as much as its arithmetic.
// Pointers are byte addresses of f64 arrays; n >= 0 is the element count.
// Every entry is computed with the same operations in the same order in both
// twins, except the reductions (dot products), which SIMD sums in two lanes.

/** x <- a x. */
export function blas1ScaleSimd(a: f64, x: usize, n: i32): void {
  const av = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.mul(av, v128.load(x + o)));
  }
  if (i < n) store<f64>(x + (<usize>i << 3), a * load<f64>(x + (<usize>i << 3)));
}

/** x <- a x, scalar twin. */
export function blas1ScaleScalar(a: f64, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(x + o, a * load<f64>(x + o));
  }
}

/** y <- x (no overlap). */
export function blas1CopySimd(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, v128.load(x + o));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(x + (<usize>i << 3)));
}

/** y <- x, scalar twin. */
export function blas1CopyScalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(x + o));
  }
}

/** y <- a x + b y; with b = 0, y is written without being read. */
export function blas1AxpbySimd(a: f64, x: usize, b: f64, y: usize, n: i32): void {
  const av = f64x2.splat(a);
  const bv = f64x2.splat(b);
  let i = 0;
  if (b == 0) {
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.mul(av, v128.load(x + o)));
    }
    if (i < n) store<f64>(y + (<usize>i << 3), a * load<f64>(x + (<usize>i << 3)));
    return;
  }
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(f64x2.mul(av, v128.load(x + o)), f64x2.mul(bv, v128.load(y + o))));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(y + o, a * load<f64>(x + o) + b * load<f64>(y + o));
  }
}

/** y <- a x + b y, scalar twin. */
export function blas1AxpbyScalar(a: f64, x: usize, b: f64, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, b == 0 ? a * load<f64>(x + o) : a * load<f64>(x + o) + b * load<f64>(y + o));
  }
}

/**
 * y <- y + a x, then returns dot(y, z) with the updated y, in one pass.
 * Modified Gram-Schmidt pipelined: the projection on v_i and the coefficient
 * on v_{i+1} share the pass over w; with z = y it returns |y|^2.
 */
export function blas1AxpyDotSimd(a: f64, x: usize, y: usize, z: usize, n: i32): f64 {
  const av = f64x2.splat(a);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const yv = f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o)));
    v128.store(y + o, yv);
    acc = f64x2.add(acc, f64x2.mul(yv, v128.load(z + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < n) {
    const o = <usize>i << 3;
    const yi = load<f64>(y + o) + a * load<f64>(x + o);
    store<f64>(y + o, yi);
    s += yi * load<f64>(z + o);
  }
  return s;
}

/** y <- y + a x, returns dot(y, z); scalar twin (summed left to right). */
export function blas1AxpyDotScalar(a: f64, x: usize, y: usize, z: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const yi = load<f64>(y + o) + a * load<f64>(x + o);
    store<f64>(y + o, yi);
    s += yi * load<f64>(z + o);
  }
  return s;
}

/** z <- (z + a x) + b y. */
export function blas1Axpy2Simd(a: f64, x: usize, b: f64, y: usize, z: usize, n: i32): void {
  const av = f64x2.splat(a);
  const bv = f64x2.splat(b);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const t = f64x2.add(v128.load(z + o), f64x2.mul(av, v128.load(x + o)));
    v128.store(z + o, f64x2.add(t, f64x2.mul(bv, v128.load(y + o))));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(z + o, load<f64>(z + o) + a * load<f64>(x + o) + b * load<f64>(y + o));
  }
}

/** z <- (z + a x) + b y, scalar twin. */
export function blas1Axpy2Scalar(a: f64, x: usize, b: f64, y: usize, z: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(z + o, load<f64>(z + o) + a * load<f64>(x + o) + b * load<f64>(y + o));
  }
}

/** p <- r + beta (p - omega v): the BiCGSTAB search direction (van der Vorst 1992). */
export function blas1DirectionSimd(r: usize, v: usize, p: usize, beta: f64, omega: f64, n: i32): void {
  const bv = f64x2.splat(beta);
  const wv = f64x2.splat(omega);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const d = f64x2.sub(v128.load(p + o), f64x2.mul(wv, v128.load(v + o)));
    v128.store(p + o, f64x2.add(v128.load(r + o), f64x2.mul(bv, d)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(p + o, load<f64>(r + o) + beta * (load<f64>(p + o) - omega * load<f64>(v + o)));
  }
}

/** p <- r + beta (p - omega v), scalar twin. */
export function blas1DirectionScalar(r: usize, v: usize, p: usize, beta: f64, omega: f64, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(p + o, load<f64>(r + o) + beta * (load<f64>(p + o) - omega * load<f64>(v + o)));
  }
}

/** out[0] <- dot(x, y), out[1] <- dot(x, z), in one pass over x. */
export function blas1Dot2Simd(x: usize, y: usize, z: usize, out: usize, n: i32): void {
  let ay = f64x2.splat(0);
  let az = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const xv = v128.load(x + o);
    ay = f64x2.add(ay, f64x2.mul(xv, v128.load(y + o)));
    az = f64x2.add(az, f64x2.mul(xv, v128.load(z + o)));
  }
  let sy = f64x2.extract_lane(ay, 0) + f64x2.extract_lane(ay, 1);
  let sz = f64x2.extract_lane(az, 0) + f64x2.extract_lane(az, 1);
  if (i < n) {
    const o = <usize>i << 3;
    const xi = load<f64>(x + o);
    sy += xi * load<f64>(y + o);
    sz += xi * load<f64>(z + o);
  }
  store<f64>(out, sy);
  store<f64>(out, sz, 8);
}

/** out[0] <- dot(x, y), out[1] <- dot(x, z), scalar twin. */
export function blas1Dot2Scalar(x: usize, y: usize, z: usize, out: usize, n: i32): void {
  let sy = 0.0;
  let sz = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const xi = load<f64>(x + o);
    sy += xi * load<f64>(y + o);
    sz += xi * load<f64>(z + o);
  }
  store<f64>(out, sy);
  store<f64>(out, sz, 8);
}

/**
 * sum_i (s x_i)^2: with s = 1 / max|x_i| the sum lies in [1, n] and cannot
 * overflow or underflow, the safe path of the 2-norm (LAPACK dnrm2's concern).
 */
export function blas1SumSquaresScaledSimd(x: usize, n: i32, s: f64): f64 {
  const sv = f64x2.splat(s);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const t = f64x2.mul(sv, v128.load(x + (<usize>i << 3)));
    acc = f64x2.add(acc, f64x2.mul(t, t));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < n) {
    const t = s * load<f64>(x + (<usize>i << 3));
    sum += t * t;
  }
  return sum;
}

/** sum_i (s x_i)^2, scalar twin. */
export function blas1SumSquaresScaledScalar(x: usize, n: i32, s: f64): f64 {
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const t = s * load<f64>(x + (<usize>i << 3));
    sum += t * t;
  }
  return sum;
}

/**
 * max_i |x_i| when every x_i is finite, NaN otherwise (0 for n = 0): the
 * boundary's finiteness check and scale in one pass. x_i 0 is 0 for finite x_i
 * and NaN for NaN or ±Inf, so a sum of those flags any non-finite entry; the
 * maximum itself uses pmax, a plain compare-select.
 */
export function blas1NormInfCheckedSimd(x: usize, n: i32): f64 {
  const zero = f64x2.splat(0);
  let m0 = f64x2.splat(0);
  let m1 = f64x2.splat(0);
  let f0 = f64x2.splat(0);
  let f1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    const a = v128.load(x + o);
    const b = v128.load(x + o, 16);
    m0 = f64x2.pmax(m0, f64x2.abs(a));
    m1 = f64x2.pmax(m1, f64x2.abs(b));
    f0 = f64x2.add(f0, f64x2.mul(a, zero));
    f1 = f64x2.add(f1, f64x2.mul(b, zero));
  }
  const m = f64x2.pmax(m0, m1);
  const f = f64x2.add(f0, f1);
  let s = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  let flag = f64x2.extract_lane(f, 0) + f64x2.extract_lane(f, 1);
  for (; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    s = max(s, abs(v));
    flag += v * 0;
  }
  return s + flag;
}

/** max_i |x_i| if all are finite, else NaN; scalar twin. */
export function blas1NormInfCheckedScalar(x: usize, n: i32): f64 {
  let s = 0.0;
  let flag = 0.0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    s = max(s, abs(v));
    flag += v * 0;
  }
  return s + flag;
}

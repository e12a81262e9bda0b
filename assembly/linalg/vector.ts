// Level-1 vector kernels over f64, each as a SIMD kernel and its scalar twin.
// The plain-TypeScript twin is src/linalg/vector.twin.ts. Pointers are byte
// addresses of f64 arrays; n is the element count; any n >= 0 is allowed.

/** dot(x, y) = sum_i x[i] y[i]. */
export function dotSimd(x: usize, y: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** dot(x, y) = sum_i x[i] y[i], scalar twin. */
export function dotScalar(x: usize, y: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y <- a x + y. */
export function axpySimd(a: f64, x: usize, y: usize, n: i32): void {
  const av = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

/** y <- a x + y, scalar twin. */
export function axpyScalar(a: f64, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

/**
 * max_i |x[i]| (0 for n = 0). Uses pmax (a plain compare-select) rather than
 * the NaN-propagating f64x2.max, which V8 lowers to a slow sequence; inputs are
 * validated finite at the boundary.
 */
export function normInfSimd(x: usize, n: i32): f64 {
  let m0 = f64x2.splat(0);
  let m1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    m0 = f64x2.pmax(m0, f64x2.abs(v128.load(x + o)));
    m1 = f64x2.pmax(m1, f64x2.abs(v128.load(x + o, 16)));
  }
  const m = f64x2.pmax(m0, m1);
  let s = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  for (; i < n; i++) s = max(s, abs(load<f64>(x + (<usize>i << 3))));
  return s;
}

/** max_i |x[i]| (0 for n = 0), scalar twin. */
export function normInfScalar(x: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) s = max(s, abs(load<f64>(x + (<usize>i << 3))));
  return s;
}

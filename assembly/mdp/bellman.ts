// Bellman kernels of a fixed policy on a dense finite MDP, and the deflation
// preconditioner of the evaluation system. CSR models: bellman-csr.ts.
// Plain-TypeScript twins: src/mdp/bellman.twin.ts; wrappers: src/mdp/bellman.ts.
//
// Layout (as everywhere in mirror-rl, src/mdp/tabular-mdp.ts): P[(s*A + a)*S + s'], R[s*A + a], pi[s*A + a].
// Pointers are byte addresses of f64 arrays; S, A >= 0. Policy entries equal
// to 0 are skipped, so a deterministic policy costs one row of P per state;
// P_pi = sum_a pi(a|s) P[s,a,.] is never formed unless a kernel's name says so.
// Output arrays must not overlap inputs.
// One file over 400 lines on purpose: every dense fixed-policy Bellman kernel
// with its scalar twin side by side, so that the two stay the same operations.
import { dotF64x8 } from "../linalg/dot";

// ---- local helpers (inlined; not exported) ----

// sum_i x[i] y[i] with four f64x2 accumulators: dotF64x8 (assembly/linalg/dot.ts).

// @ts-ignore: decorator
@inline function dot1(x: usize, y: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y <- a x + y. */
// @ts-ignore: decorator
@inline function axpy2(a: f64, x: usize, y: usize, n: i32): void {
  const av = f64x2.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(av, v128.load(x + o, 16))), 16);
  }
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

// @ts-ignore: decorator
@inline function axpy1(a: f64, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

/** y <- a x. */
// @ts-ignore: decorator
@inline function scale2(a: f64, x: usize, y: usize, n: i32): void {
  const av = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.mul(av, v128.load(x + o)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(y + o, a * load<f64>(x + o));
  }
}

// @ts-ignore: decorator
@inline function scale1(a: f64, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, a * load<f64>(x + o));
  }
}

// ---- dense: policy-weighted tables ----

/**
 * Policy average of an S x A table: out[s] = sum_a pi(a|s) T[s,a].
 * With T = R this is r_pi; with T = Q it is V_pi = E_{a~pi} Q(s,a).
 * T, pi: [0, S*A); out: [0, S).
 */
export function bellmanPolicyAverageSimd(T: usize, pi: usize, out: usize, S: i32, A: i32): void {
  for (let s = 0; s < S; s++) {
    const base = (<usize>s * <usize>A) << 3;
    let acc = f64x2.splat(0);
    let a = 0;
    for (; a + 2 <= A; a += 2) {
      const o = base + (<usize>a << 3);
      acc = f64x2.add(acc, f64x2.mul(v128.load(T + o), v128.load(pi + o)));
    }
    let v = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (a < A) {
      const o = base + (<usize>a << 3);
      v += load<f64>(T + o) * load<f64>(pi + o);
    }
    store<f64>(out + (<usize>s << 3), v);
  }
}

/** Policy average of an S x A table, scalar twin. */
export function bellmanPolicyAverageScalar(T: usize, pi: usize, out: usize, S: i32, A: i32): void {
  for (let s = 0; s < S; s++) {
    const base = (<usize>s * <usize>A) << 3;
    store<f64>(out + (<usize>s << 3), dot1(T + base, pi + base, A));
  }
}

// ---- dense: P_pi and I - gamma P_pi ----

/**
 * Dense policy matrix with identity shift: out[s,.] = c e_s + alpha sum_a pi(a|s) P[s,a,.].
 * c = 0, alpha = 1 gives P_pi; c = 1, alpha = -gamma gives I - gamma P_pi
 * (the matrix LU factors). P: [0, S*A*S); pi: [0, S*A); out: [0, S*S) row-major.
 */
export function bellmanPolicyMatrixDenseSimd(
  P: usize, pi: usize, out: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  const rowBytes = <usize>S << 3;
  for (let s = 0; s < S; s++) {
    const dst = out + <usize>s * rowBytes;
    let first = true;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w == 0) continue;
      const src = P + r * rowBytes;
      if (first) {
        if (alpha * w == 1) memory.copy(dst, src, rowBytes);
        else scale2(alpha * w, src, dst, S);
        first = false;
      } else axpy2(alpha * w, src, dst, S);
    }
    if (first) memory.fill(dst, 0, rowBytes);
    const diag = dst + (<usize>s << 3);
    store<f64>(diag, load<f64>(diag) + c);
  }
}

/** Dense policy matrix with identity shift, scalar twin. */
export function bellmanPolicyMatrixDenseScalar(
  P: usize, pi: usize, out: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  const rowBytes = <usize>S << 3;
  for (let s = 0; s < S; s++) {
    const dst = out + <usize>s * rowBytes;
    let first = true;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w == 0) continue;
      const src = P + r * rowBytes;
      if (first) {
        scale1(alpha * w, src, dst, S);
        first = false;
      } else axpy1(alpha * w, src, dst, S);
    }
    if (first) memory.fill(dst, 0, rowBytes);
    const diag = dst + (<usize>s << 3);
    store<f64>(diag, load<f64>(diag) + c);
  }
}

// ---- dense: Q = R + gamma P V ----

/** Four f64 slots of static data for dots4's results (static, so no kernel allocates). */
const DOTS: usize = memory.data(32, 16);

/**
 * Stores the four dot products p_i . v (i = 0..3, each of length n) at DOTS[0..3].
 * Four rows share every load of v: when the rows stream from DRAM this keeps
 * more loads in flight per instruction than one row at a time.
 */
// @ts-ignore: decorator
@inline function dots4(p0: usize, p1: usize, p2: usize, p3: usize, v: usize, n: i32): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let b0 = f64x2.splat(0);
  let b1 = f64x2.splat(0);
  let b2 = f64x2.splat(0);
  let b3 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 3;
    const x = v128.load(v + o);
    const w = v128.load(v + o, 16);
    a0 = f64x2.add(a0, f64x2.mul(v128.load(p0 + o), x));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(p1 + o), x));
    a2 = f64x2.add(a2, f64x2.mul(v128.load(p2 + o), x));
    a3 = f64x2.add(a3, f64x2.mul(v128.load(p3 + o), x));
    b0 = f64x2.add(b0, f64x2.mul(v128.load(p0 + o, 16), w));
    b1 = f64x2.add(b1, f64x2.mul(v128.load(p1 + o, 16), w));
    b2 = f64x2.add(b2, f64x2.mul(v128.load(p2 + o, 16), w));
    b3 = f64x2.add(b3, f64x2.mul(v128.load(p3 + o, 16), w));
  }
  if (j + 2 <= n) {
    const o = <usize>j << 3;
    const x = v128.load(v + o);
    a0 = f64x2.add(a0, f64x2.mul(v128.load(p0 + o), x));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(p1 + o), x));
    a2 = f64x2.add(a2, f64x2.mul(v128.load(p2 + o), x));
    a3 = f64x2.add(a3, f64x2.mul(v128.load(p3 + o), x));
    j += 2;
  }
  a0 = f64x2.add(a0, b0);
  a1 = f64x2.add(a1, b1);
  a2 = f64x2.add(a2, b2);
  a3 = f64x2.add(a3, b3);
  let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
  let s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
  let s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
  if (j < n) {
    const o = <usize>j << 3;
    const x = load<f64>(v + o);
    s0 += load<f64>(p0 + o) * x;
    s1 += load<f64>(p1 + o) * x;
    s2 += load<f64>(p2 + o) * x;
    s3 += load<f64>(p3 + o) * x;
  }
  store<f64>(DOTS, s0);
  store<f64>(DOTS, s1, 8);
  store<f64>(DOTS, s2, 16);
  store<f64>(DOTS, s3, 24);
}

/** y <- y + f0 p0 + f1 p1 + f2 p2 + f3 p3 (one pass over y for four rows). */
// @ts-ignore: decorator
@inline function axpy4(
  f0: f64, p0: usize, f1: f64, p1: usize, f2: f64, p2: usize, f3: f64, p3: usize, y: usize, n: i32,
): void {
  const g0 = f64x2.splat(f0);
  const g1 = f64x2.splat(f1);
  const g2 = f64x2.splat(f2);
  const g3 = f64x2.splat(f3);
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const o = <usize>j << 3;
    const t = f64x2.add(
      f64x2.add(f64x2.mul(g0, v128.load(p0 + o)), f64x2.mul(g1, v128.load(p1 + o))),
      f64x2.add(f64x2.mul(g2, v128.load(p2 + o)), f64x2.mul(g3, v128.load(p3 + o))),
    );
    v128.store(y + o, f64x2.add(v128.load(y + o), t));
  }
  if (j < n) {
    const o = <usize>j << 3;
    const t = (f0 * load<f64>(p0 + o) + f1 * load<f64>(p1 + o)) + (f2 * load<f64>(p2 + o) + f3 * load<f64>(p3 + o));
    store<f64>(y + o, load<f64>(y + o) + t);
  }
}

/** Row s*A + a of the only action with pi(a|s) != 0, or -1 if the state has several or none. */
// @ts-ignore: decorator
@inline function soleRow(pi: usize, s: i32, A: i32): i32 {
  let found = -1;
  const base = s * A;
  for (let a = 0; a < A; a++) {
    if (load<f64>(pi + (<usize>(base + a) << 3)) != 0) {
      if (found >= 0) return -1;
      found = base + a;
    }
  }
  return found;
}

/** sum_a pi(a|s) P[s,a,.] . x (skipping zero weights). */
// @ts-ignore: decorator
@inline function policyDot(P: usize, pi: usize, x: usize, s: i32, S: i32, A: i32): f64 {
  const rowBytes = <usize>S << 3;
  let acc = 0.0;
  for (let a = 0; a < A; a++) {
    const r = <usize>s * <usize>A + <usize>a;
    const w = load<f64>(pi + (r << 3));
    if (w != 0) acc += w * dotF64x8(P + r * rowBytes, x, S);
  }
  return acc;
}

/** sum_a pi(a|s) (R[s,a] + gamma P[s,a,.] . V): one state of the Bellman expectation backup. */
// @ts-ignore: decorator
@inline function policyBackup(P: usize, R: usize, pi: usize, gamma: f64, V: usize, s: i32, S: i32, A: i32): f64 {
  const rowBytes = <usize>S << 3;
  let acc = 0.0;
  for (let a = 0; a < A; a++) {
    const r = <usize>s * <usize>A + <usize>a;
    const w = load<f64>(pi + (r << 3));
    if (w != 0) acc += w * (load<f64>(R + (r << 3)) + gamma * dotF64x8(P + r * rowBytes, V, S));
  }
  return acc;
}

/**
 * Four consecutive states s..s+3 that each have one action row: stores their rows
 * at ROWS[0..3] and returns true. Deterministic policies (policy iteration) hit this
 * path, which lets dots4/axpy4 stream four rows at once.
 */
// @ts-ignore: decorator
@inline function soleRows4(pi: usize, s: i32, A: i32): bool {
  const r0 = soleRow(pi, s, A);
  const r1 = soleRow(pi, s + 1, A);
  const r2 = soleRow(pi, s + 2, A);
  const r3 = soleRow(pi, s + 3, A);
  store<i32>(ROWS, r0);
  store<i32>(ROWS, r1, 4);
  store<i32>(ROWS, r2, 8);
  store<i32>(ROWS, r3, 12);
  return (r0 | r1 | r2 | r3) >= 0;
}

const ROWS: usize = memory.data(16, 16);

// @ts-ignore: decorator
@inline function rowAt(i: usize): usize {
  return <usize>load<i32>(ROWS + (i << 2));
}

/**
 * Above this many bytes of P the rows stream from DRAM rather than the last-level
 * cache, and four rows at a time measured faster (S = 2000, A = 10: about 1.2x);
 * below it, one row at a time was faster (S = 500, A = 10: about 2x). A model
 * just above the threshold is slower either way, so the value is not critical.
 */
const STREAM_BYTES: usize = 24 << 20;

/**
 * Products with P_pi take four deterministic states at a time from this many states on. Their
 * rows are scattered through P (one row in A), so unlike Q's contiguous rows they gain from four
 * streams at every size: measured at A = 10 about 2x faster at S = 500 and 1.7x at S = 2000.
 */
const BATCH_STATES: i32 = 16;

/**
 * Action values from state values: Q[r] = R[r] + gamma sum_s' P[r,s'] V[s'],
 * r in [0, S*A). P: [0, S*A*S); R, Q: [0, S*A); V: [0, S).
 */
export function bellmanQDenseSimd(P: usize, R: usize, V: usize, gamma: f64, Q: usize, S: i32, A: i32): void {
  const rows = <usize>S * <usize>A;
  const rowBytes = <usize>S << 3;
  let r: usize = 0;
  if (rows * rowBytes > STREAM_BYTES) {
    for (; r + 4 <= rows; r += 4) {
      const p0 = P + r * rowBytes;
      dots4(p0, p0 + rowBytes, p0 + 2 * rowBytes, p0 + 3 * rowBytes, V, S);
      for (let i: usize = 0; i < 4; i++) {
        const o = (r + i) << 3;
        store<f64>(Q + o, load<f64>(R + o) + gamma * load<f64>(DOTS + (i << 3)));
      }
    }
  }
  for (; r < rows; r++) {
    store<f64>(Q + (r << 3), load<f64>(R + (r << 3)) + gamma * dotF64x8(P + r * rowBytes, V, S));
  }
}

/** Action values from state values, scalar twin. */
export function bellmanQDenseScalar(P: usize, R: usize, V: usize, gamma: f64, Q: usize, S: i32, A: i32): void {
  const rows = <usize>S * <usize>A;
  const rowBytes = <usize>S << 3;
  for (let r: usize = 0; r < rows; r++) {
    store<f64>(Q + (r << 3), load<f64>(R + (r << 3)) + gamma * dot1(P + r * rowBytes, V, S));
  }
}

// ---- dense: products with P_pi without forming it ----

/**
 * y = c x + alpha P_pi x, i.e. y[s] = c x[s] + alpha sum_a pi(a|s) P[s,a,.] . x.
 * c = 1, alpha = -gamma applies I - gamma P_pi (the evaluation system).
 * With A = 1 and pi = 1 it is a plain dense matrix-vector product.
 * P: [0, S*A*S); pi: [0, S*A); x, y: [0, S), distinct.
 */
export function bellmanApplyDenseSimd(
  P: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  const rowBytes = <usize>S << 3;
  let s = 0;
  if (S >= BATCH_STATES) {
    for (; s + 4 <= S; s += 4) {
      if (soleRows4(pi, s, A)) {
        dots4(P + rowAt(0) * rowBytes, P + rowAt(1) * rowBytes, P + rowAt(2) * rowBytes, P + rowAt(3) * rowBytes, x, S);
        for (let i: usize = 0; i < 4; i++) {
          const o = (<usize>s + i) << 3;
          const w = load<f64>(pi + (rowAt(i) << 3));
          store<f64>(y + o, c * load<f64>(x + o) + alpha * (w * load<f64>(DOTS + (i << 3))));
        }
      } else {
        for (let i = 0; i < 4; i++) {
          const o = <usize>(s + i) << 3;
          store<f64>(y + o, c * load<f64>(x + o) + alpha * policyDot(P, pi, x, s + i, S, A));
        }
      }
    }
  }
  for (; s < S; s++) {
    const o = <usize>s << 3;
    store<f64>(y + o, c * load<f64>(x + o) + alpha * policyDot(P, pi, x, s, S, A));
  }
}

/** y = c x + alpha P_pi x, scalar twin. */
export function bellmanApplyDenseScalar(
  P: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  const rowBytes = <usize>S << 3;
  for (let s = 0; s < S; s++) {
    let acc = 0.0;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w != 0) acc += w * dot1(P + r * rowBytes, x, S);
    }
    const o = <usize>s << 3;
    store<f64>(y + o, c * load<f64>(x + o) + alpha * acc);
  }
}

/**
 * y = c x + alpha P_pi^T x, i.e. y[s'] = c x[s'] + alpha sum_s x[s] sum_a pi(a|s) P[s,a,s']
 * (the row vector x^T P_pi, as a scatter of scaled rows: no transpose is formed).
 * The visitation system is c = 1, alpha = -gamma. Shapes as bellmanApplyDense.
 */
export function bellmanApplyTransposedDenseSimd(
  P: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  const rowBytes = <usize>S << 3;
  scale2(c, x, y, S);
  let s = 0;
  if (S >= BATCH_STATES) {
    for (; s + 4 <= S; s += 4) {
      if (soleRows4(pi, s, A)) {
        const o = <usize>s << 3;
        axpy4(
          alpha * load<f64>(x + o) * load<f64>(pi + (rowAt(0) << 3)), P + rowAt(0) * rowBytes,
          alpha * load<f64>(x + o, 8) * load<f64>(pi + (rowAt(1) << 3)), P + rowAt(1) * rowBytes,
          alpha * load<f64>(x + o, 16) * load<f64>(pi + (rowAt(2) << 3)), P + rowAt(2) * rowBytes,
          alpha * load<f64>(x + o, 24) * load<f64>(pi + (rowAt(3) << 3)), P + rowAt(3) * rowBytes,
          y, S,
        );
      } else {
        for (let i = s; i < s + 4; i++) scatterState(P, pi, x, y, i, S, A, alpha);
      }
    }
  }
  for (; s < S; s++) scatterState(P, pi, x, y, s, S, A, alpha);
}

/** y += alpha x[s] sum_a pi(a|s) P[s,a,.]. */
// @ts-ignore: decorator
@inline function scatterState(P: usize, pi: usize, x: usize, y: usize, s: i32, S: i32, A: i32, alpha: f64): void {
  const rowBytes = <usize>S << 3;
  const xs = alpha * load<f64>(x + (<usize>s << 3));
  if (xs != 0) {
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w != 0) axpy2(xs * w, P + r * rowBytes, y, S);
    }
  }
}

/** y = c x + alpha P_pi^T x, scalar twin. */
export function bellmanApplyTransposedDenseScalar(
  P: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  const rowBytes = <usize>S << 3;
  scale1(c, x, y, S);
  for (let s = 0; s < S; s++) {
    const xs = alpha * load<f64>(x + (<usize>s << 3));
    if (xs == 0) continue;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w != 0) axpy1(xs * w, P + r * rowBytes, y, S);
    }
  }
}

// ---- dense: Bellman expectation sweep and its residual ----

/**
 * One Bellman expectation sweep T_pi V = r_pi + gamma P_pi V:
 * out[s] = sum_a pi(a|s) (R[s,a] + gamma P[s,a,.] . V). Returns max_s |out[s] - V[s]|,
 * the Bellman residual of V. P: [0, S*A*S); R, pi: [0, S*A); V, out: [0, S), distinct.
 */
export function bellmanSweepDenseSimd(
  P: usize, R: usize, pi: usize, gamma: f64, V: usize, out: usize, S: i32, A: i32,
): f64 {
  return sweepDense(P, R, pi, gamma, V, out, S, A, true);
}

/**
 * Sweep body shared with the residual kernel; `write` says whether out receives T_pi V.
 * Deterministic states go four at a time (see BATCH_STATES).
 */
// @ts-ignore: decorator
@inline function sweepDense(
  P: usize, R: usize, pi: usize, gamma: f64, V: usize, out: usize, S: i32, A: i32, write: bool,
): f64 {
  const rowBytes = <usize>S << 3;
  let res = 0.0;
  let s = 0;
  if (S >= BATCH_STATES) {
    for (; s + 4 <= S; s += 4) {
      if (soleRows4(pi, s, A)) {
        dots4(P + rowAt(0) * rowBytes, P + rowAt(1) * rowBytes, P + rowAt(2) * rowBytes, P + rowAt(3) * rowBytes, V, S);
        for (let i: usize = 0; i < 4; i++) {
          const o = (<usize>s + i) << 3;
          const r = rowAt(i) << 3;
          const v = load<f64>(pi + r) * (load<f64>(R + r) + gamma * load<f64>(DOTS + (i << 3)));
          if (write) store<f64>(out + o, v);
          res = max(res, abs(v - load<f64>(V + o)));
        }
      } else {
        for (let i = s; i < s + 4; i++) {
          const o = <usize>i << 3;
          const v = policyBackup(P, R, pi, gamma, V, i, S, A);
          if (write) store<f64>(out + o, v);
          res = max(res, abs(v - load<f64>(V + o)));
        }
      }
    }
  }
  for (; s < S; s++) {
    const o = <usize>s << 3;
    const v = policyBackup(P, R, pi, gamma, V, s, S, A);
    if (write) store<f64>(out + o, v);
    res = max(res, abs(v - load<f64>(V + o)));
  }
  return res;
}

/** Bellman expectation sweep, scalar twin. */
export function bellmanSweepDenseScalar(
  P: usize, R: usize, pi: usize, gamma: f64, V: usize, out: usize, S: i32, A: i32,
): f64 {
  const rowBytes = <usize>S << 3;
  let res = 0.0;
  for (let s = 0; s < S; s++) {
    let acc = 0.0;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w != 0) acc += w * (load<f64>(R + (r << 3)) + gamma * dot1(P + r * rowBytes, V, S));
    }
    const o = <usize>s << 3;
    store<f64>(out + o, acc);
    res = max(res, abs(acc - load<f64>(V + o)));
  }
  return res;
}

/**
 * Bellman residual without an output array: max_s |(r_pi + gamma P_pi V)[s] - V[s]|.
 * Shapes as bellmanSweepDense.
 */
export function bellmanResidualDenseSimd(P: usize, R: usize, pi: usize, gamma: f64, V: usize, S: i32, A: i32): f64 {
  return sweepDense(P, R, pi, gamma, V, 0, S, A, false);
}

/** Bellman residual without an output array, scalar twin. */
export function bellmanResidualDenseScalar(P: usize, R: usize, pi: usize, gamma: f64, V: usize, S: i32, A: i32): f64 {
  const rowBytes = <usize>S << 3;
  let res = 0.0;
  for (let s = 0; s < S; s++) {
    let acc = 0.0;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w != 0) acc += w * (load<f64>(R + (r << 3)) + gamma * dot1(P + r * rowBytes, V, S));
    }
    res = max(res, abs(acc - load<f64>(V + (<usize>s << 3))));
  }
  return res;
}

// ---- the Perron deflation preconditioner ----

/**
 * y = x + c sum_i x[i], i = 0..n-1. With c = gamma / ((1 - gamma) n) this is
 * (I - gamma 1 u^T)^{-1} x for the uniform distribution u (Sherman-Morrison),
 * the right preconditioner under which I - gamma P_pi becomes I - gamma (P_pi - 1 u^T):
 * the eigenvalue 1 - gamma of the evaluation system moves to 1 and the others stay.
 * Symmetric in u, so it serves the transposed system too. x, y: [0, n).
 */
export function bellmanDeflateSimd(x: usize, y: usize, n: i32, c: f64): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    a0 = f64x2.add(a0, v128.load(x + o));
    a1 = f64x2.add(a1, v128.load(x + o, 16));
  }
  const acc = f64x2.add(a0, a1);
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) sum += load<f64>(x + (<usize>i << 3));
  const shift = c * sum;
  const sv = f64x2.splat(shift);
  i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(v128.load(x + o), sv));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(x + o) + shift);
  }
}

/** y = x + c sum_i x[i], scalar twin. */
export function bellmanDeflateScalar(x: usize, y: usize, n: i32, c: f64): void {
  let sum = 0.0;
  for (let i = 0; i < n; i++) sum += load<f64>(x + (<usize>i << 3));
  const shift = c * sum;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(x + o) + shift);
  }
}

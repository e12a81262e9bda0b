// Bellman optimality kernels for the classic solvers (value iteration, policy
// iteration, modified policy iteration), dense and CSR, each as a SIMD kernel
// and its scalar twin. Plain-TypeScript twins: src/planning/optimality.twin.ts.
//
// Layout (as everywhere in mirror-rl, src/mdp/tabular-mdp.ts): dense P[(s*A + a)*S + s'], R[s*A + a]; CSR over the rows
// r = s*A + a: rowPtr[0..S*A], cols[rowPtr[r]..rowPtr[r+1]-1], probs[same].
// Pointers are byte addresses (f64 arrays 8 bytes a value, i32 arrays 4).
// Outputs never alias inputs: every kernel reads all of V before it is done.
import { dotF64x8 } from "../linalg/dot";

// ---------------------------------------------------------------------------
// Row dot products: sum_k P[row, k] V[k].

// Dense SIMD row dot: dotF64x8 (assembly/linalg/dot.ts).

// @ts-ignore: decorator
@inline
function denseDotScalar(row: usize, V: usize, S: i32): f64 {
  let d = 0.0;
  for (let j = 0; j < S; j++) {
    const o = <usize>j << 3;
    d += load<f64>(row + o) * load<f64>(V + o);
  }
  return d;
}

// CSR rows gather V at their columns, so SIMD only pairs the multiply-adds;
// measured equal to the scalar loop (a backup of a garnet S = 2e5, A = 4,
// branching 4), the wrappers call the scalar kernel.
// @ts-ignore: decorator
@inline
function csrDotSimd(cols: usize, probs: usize, V: usize, start: i32, end: i32): f64 {
  let acc = f64x2.splat(0);
  let k = start;
  for (; k + 2 <= end; k += 2) {
    const c0 = load<i32>(cols + (<usize>k << 2));
    const c1 = load<i32>(cols + (<usize>k << 2), 4);
    let v = f64x2.splat(load<f64>(V + (<usize>c0 << 3)));
    v = f64x2.replace_lane(v, 1, load<f64>(V + (<usize>c1 << 3)));
    acc = f64x2.add(acc, f64x2.mul(v128.load(probs + (<usize>k << 3)), v));
  }
  let d = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; k < end; k++) {
    const c = load<i32>(cols + (<usize>k << 2));
    d += load<f64>(probs + (<usize>k << 3)) * load<f64>(V + (<usize>c << 3));
  }
  return d;
}

// @ts-ignore: decorator
@inline
function csrDotScalar(cols: usize, probs: usize, V: usize, start: i32, end: i32): f64 {
  let d = 0.0;
  for (let k = start; k < end; k++) {
    const c = load<i32>(cols + (<usize>k << 2));
    d += load<f64>(probs + (<usize>k << 3)) * load<f64>(V + (<usize>c << 3));
  }
  return d;
}

// ---------------------------------------------------------------------------
// Greedy choice over one state's Q row.

/**
 * Writes V_new[s] = max_a q[a] and greedy[s] = the LOWEST a with
 * q[a] >= max - tieTol. Two passes, because "lowest index within tieTol of the
 * maximum" cannot be decided by a running comparison. tieTol = 0 is numpy's
 * argmax (first exact maximum), pymdptoolbox's rule.
 */
// @ts-ignore: decorator
@inline
function pickGreedy(q: usize, A: i32, tieTol: f64, Vout: usize, greedy: usize, s: i32): void {
  let m = load<f64>(q);
  for (let a = 1; a < A; a++) m = max(m, load<f64>(q + (<usize>a << 3)));
  const threshold = m - tieTol;
  let best = 0;
  while (best < A - 1 && load<f64>(q + (<usize>best << 3)) < threshold) best++;
  store<f64>(Vout + (<usize>s << 3), m);
  store<i32>(greedy + (<usize>s << 2), best);
}

// ---------------------------------------------------------------------------
// Bellman optimality backup: one pass over the model.

/**
 * Bellman optimality backup, dense: for s in [0, S), a in [0, A)
 *   Q(s,a) = R[s*A+a] + gamma * sum_{s'} P[(s*A+a)*S+s'] V[s'],
 *   Vout[s] = max_a Q(s,a),  greedy[s] = lowest a with Q(s,a) >= Vout[s] - tieTol.
 * (Puterman 1994, eq. 6.3.1 and section 6.3.) Q rows are written at
 * Q + s*qStride*8: qStride = A keeps the whole table (S*A values), qStride = 0
 * reuses one scratch row of A values. Needs S >= 1, A >= 1; Vout != V.
 */
export function optimalityBackupDenseSimd(
  P: usize, R: usize, V: usize, gamma: f64, S: i32, A: i32, tieTol: f64,
  Vout: usize, greedy: usize, Q: usize, qStride: i32,
): void {
  const rowBytes = <usize>S << 3;
  for (let s = 0; s < S; s++) {
    const q = Q + ((<usize>s * <usize>qStride) << 3);
    const r0 = <usize>s * <usize>A;
    for (let a = 0; a < A; a++) {
      const r = r0 + <usize>a;
      const d = dotF64x8(P + r * rowBytes, V, S);
      store<f64>(q + (<usize>a << 3), load<f64>(R + (r << 3)) + gamma * d);
    }
    pickGreedy(q, A, tieTol, Vout, greedy, s);
  }
}

/** Bellman optimality backup, dense, scalar twin of optimalityBackupDenseSimd. */
export function optimalityBackupDenseScalar(
  P: usize, R: usize, V: usize, gamma: f64, S: i32, A: i32, tieTol: f64,
  Vout: usize, greedy: usize, Q: usize, qStride: i32,
): void {
  const rowBytes = <usize>S << 3;
  for (let s = 0; s < S; s++) {
    const q = Q + ((<usize>s * <usize>qStride) << 3);
    const r0 = <usize>s * <usize>A;
    for (let a = 0; a < A; a++) {
      const r = r0 + <usize>a;
      const d = denseDotScalar(P + r * rowBytes, V, S);
      store<f64>(q + (<usize>a << 3), load<f64>(R + (r << 3)) + gamma * d);
    }
    pickGreedy(q, A, tieTol, Vout, greedy, s);
  }
}

/**
 * Bellman optimality backup, CSR: as optimalityBackupDenseSimd with
 * sum_{s'} P[s,a,s'] V[s'] = sum_{k in [rowPtr[r], rowPtr[r+1])} probs[k] V[cols[k]],
 * r = s*A + a; rowPtr has S*A + 1 entries.
 */
export function optimalityBackupCsrSimd(
  rowPtr: usize, cols: usize, probs: usize, R: usize, V: usize, gamma: f64, S: i32, A: i32,
  tieTol: f64, Vout: usize, greedy: usize, Q: usize, qStride: i32,
): void {
  for (let s = 0; s < S; s++) {
    const q = Q + ((<usize>s * <usize>qStride) << 3);
    const r0 = <usize>s * <usize>A;
    for (let a = 0; a < A; a++) {
      const r = r0 + <usize>a;
      const start = load<i32>(rowPtr + (r << 2));
      const end = load<i32>(rowPtr + (r << 2), 4);
      const d = csrDotSimd(cols, probs, V, start, end);
      store<f64>(q + (<usize>a << 3), load<f64>(R + (r << 3)) + gamma * d);
    }
    pickGreedy(q, A, tieTol, Vout, greedy, s);
  }
}

/** Bellman optimality backup, CSR, scalar twin of optimalityBackupCsrSimd. */
export function optimalityBackupCsrScalar(
  rowPtr: usize, cols: usize, probs: usize, R: usize, V: usize, gamma: f64, S: i32, A: i32,
  tieTol: f64, Vout: usize, greedy: usize, Q: usize, qStride: i32,
): void {
  for (let s = 0; s < S; s++) {
    const q = Q + ((<usize>s * <usize>qStride) << 3);
    const r0 = <usize>s * <usize>A;
    for (let a = 0; a < A; a++) {
      const r = r0 + <usize>a;
      const start = load<i32>(rowPtr + (r << 2));
      const end = load<i32>(rowPtr + (r << 2), 4);
      const d = csrDotScalar(cols, probs, V, start, end);
      store<f64>(q + (<usize>a << 3), load<f64>(R + (r << 3)) + gamma * d);
    }
    pickGreedy(q, A, tieTol, Vout, greedy, s);
  }
}

// ---------------------------------------------------------------------------
// Small reductions used by the stopping rules.

/** span(x - y) = max_i (x[i] - y[i]) - min_i (x[i] - y[i]); 0 for n = 0. */
export function optimalitySpanDiffSimd(x: usize, y: usize, n: i32): f64 {
  if (n <= 0) return 0;
  let hi = f64x2.splat(-Infinity);
  let lo = f64x2.splat(Infinity);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const d = f64x2.sub(v128.load(x + o), v128.load(y + o));
    hi = f64x2.max(hi, d);
    lo = f64x2.min(lo, d);
  }
  let h = max(f64x2.extract_lane(hi, 0), f64x2.extract_lane(hi, 1));
  let l = min(f64x2.extract_lane(lo, 0), f64x2.extract_lane(lo, 1));
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const d = load<f64>(x + o) - load<f64>(y + o);
    h = max(h, d);
    l = min(l, d);
  }
  return h - l;
}

/** span(x - y), scalar twin of optimalitySpanDiffSimd. */
export function optimalitySpanDiffScalar(x: usize, y: usize, n: i32): f64 {
  if (n <= 0) return 0;
  let h = -Infinity;
  let l = Infinity;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const d = load<f64>(x + o) - load<f64>(y + o);
    h = max(h, d);
    l = min(l, d);
  }
  return h - l;
}

/**
 * Column minima of a dense row-major matrix: out[j] = min_{r in [0, rows)} M[r*S + j],
 * j in [0, S). Value iteration's iteration bound needs min_{s,a} P(j|s,a)
 * (Puterman 1994, Theorem 6.6.6). Needs rows >= 1.
 */
export function optimalityColumnMinSimd(M: usize, rows: i32, S: i32, out: usize): void {
  const rowBytes = <usize>S << 3;
  memory.copy(out, M, rowBytes);
  for (let r = 1; r < rows; r++) {
    const row = M + <usize>r * rowBytes;
    let j = 0;
    for (; j + 2 <= S; j += 2) {
      const o = <usize>j << 3;
      v128.store(out + o, f64x2.min(v128.load(out + o), v128.load(row + o)));
    }
    for (; j < S; j++) {
      const o = <usize>j << 3;
      store<f64>(out + o, min(load<f64>(out + o), load<f64>(row + o)));
    }
  }
}

/** Column minima, scalar twin of optimalityColumnMinSimd. */
export function optimalityColumnMinScalar(M: usize, rows: i32, S: i32, out: usize): void {
  const rowBytes = <usize>S << 3;
  for (let j = 0; j < S; j++) store<f64>(out + (<usize>j << 3), load<f64>(M + (<usize>j << 3)));
  for (let r = 1; r < rows; r++) {
    const row = M + <usize>r * rowBytes;
    for (let j = 0; j < S; j++) {
      const o = <usize>j << 3;
      store<f64>(out + o, min(load<f64>(out + o), load<f64>(row + o)));
    }
  }
}

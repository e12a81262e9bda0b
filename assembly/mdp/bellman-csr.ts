// Bellman kernels of a fixed policy on a CSR finite MDP, and products with P_pi
// compacted into its own CSR matrix. Dense models: bellman.ts.
// Plain-TypeScript twins: src/mdp/bellman.twin.ts; wrappers: src/mdp/bellman.ts.
//
// CSR stores the S*A rows r = s*A + a of P: row r holds the entries
// k in [rowPtr[r], rowPtr[r+1]) with next state cols[k] and probability probs[k]
// (rowPtr, cols: i32; probs, R, pi, vectors: f64; pointers are byte addresses).
// Policy entries equal to 0 are skipped. Output arrays must not overlap inputs.
//
// Row products gather x[cols[k]]; WebAssembly SIMD has no gather, so the Simd
// variants load the two lanes one by one (v128.load64_zero, v128.load64_lane) and
// multiply them with a vector load of probs. The products are bound by the
// random reads of x, not by arithmetic: on a garnet S = 10^6, A = 4, branching 4,
// random policy, P_pi x takes about as long SIMD as scalar (20 interleaved runs),
// four to five times as long as streaming the 240 MB model alone. The scatter
// kernels (transposed products, CSR to dense) have no SIMD variant: two lanes
// may hit the same column, and WebAssembly has no scatter store (an explicit
// transpose by counting sort took 10-20 products to build and its gathers
// were no faster than the scatter).

/** y <- a x. */
// @ts-ignore: decorator
@inline function scale1(a: f64, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, a * load<f64>(x + o));
  }
}

// ---- CSR ----

/** Row r of the CSR matrix dotted with x; `simd` is a compile-time constant at every call. */
// @ts-ignore: decorator
@inline function csrRowDot(rowPtr: usize, cols: usize, probs: usize, r: usize, x: usize, simd: bool): f64 {
  const k0 = load<i32>(rowPtr + (r << 2));
  const k1 = load<i32>(rowPtr + (r << 2), 4);
  let k = k0;
  let t = 0.0;
  if (simd) {
    let acc = f64x2.splat(0);
    for (; k + 2 <= k1; k += 2) {
      const c = cols + (<usize>k << 2);
      // Lane loads straight into the vector: same lanes and sums as splat + replace_lane,
      // measured 3-6% faster per product on the garnet below (20 interleaved runs).
      let g = v128.load64_zero(x + (<usize>load<i32>(c) << 3));
      g = v128.load64_lane(x + (<usize>load<i32>(c, 4) << 3), g, 1);
      acc = f64x2.add(acc, f64x2.mul(v128.load(probs + (<usize>k << 3)), g));
    }
    t = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; k < k1; k++) {
    const j = <usize>load<i32>(cols + (<usize>k << 2));
    t += load<f64>(probs + (<usize>k << 3)) * load<f64>(x + (j << 3));
  }
  return t;
}

// @ts-ignore: decorator
@inline function applyCsr(
  rowPtr: usize, cols: usize, probs: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
  simd: bool,
): void {
  for (let s = 0; s < S; s++) {
    let acc = 0.0;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w != 0) acc += w * csrRowDot(rowPtr, cols, probs, r, x, simd);
    }
    const o = <usize>s << 3;
    store<f64>(y + o, c * load<f64>(x + o) + alpha * acc);
  }
}

/**
 * CSR: y = c x + alpha P_pi x, y[s] = c x[s] + alpha sum_a pi(a|s) sum_k probs[k] x[cols[k]].
 * rowPtr: [0, S*A]; cols, probs: [0, nnz); pi: [0, S*A); x, y: [0, S), distinct.
 */
export function bellmanApplyCsrSimd(
  rowPtr: usize, cols: usize, probs: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  applyCsr(rowPtr, cols, probs, pi, x, y, S, A, c, alpha, true);
}

/** CSR: y = c x + alpha P_pi x, scalar twin. */
export function bellmanApplyCsrScalar(
  rowPtr: usize, cols: usize, probs: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  applyCsr(rowPtr, cols, probs, pi, x, y, S, A, c, alpha, false);
}

/**
 * CSR: y = c x + alpha P_pi^T x (scatter-add of scaled rows). Shapes as bellmanApplyCsr.
 */
export function bellmanApplyTransposedCsr(
  rowPtr: usize, cols: usize, probs: usize, pi: usize, x: usize, y: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  scale1(c, x, y, S);
  for (let s = 0; s < S; s++) {
    const xs = alpha * load<f64>(x + (<usize>s << 3));
    if (xs == 0) continue;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w == 0) continue;
      const f = xs * w;
      const k0 = load<i32>(rowPtr + (r << 2));
      const k1 = load<i32>(rowPtr + (r << 2), 4);
      for (let k = k0; k < k1; k++) {
        const dst = y + (<usize>load<i32>(cols + (<usize>k << 2)) << 3);
        store<f64>(dst, load<f64>(dst) + f * load<f64>(probs + (<usize>k << 3)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function qCsr(
  rowPtr: usize, cols: usize, probs: usize, R: usize, V: usize, gamma: f64, Q: usize, S: i32, A: i32, simd: bool,
): void {
  const rows = <usize>S * <usize>A;
  for (let r: usize = 0; r < rows; r++) {
    store<f64>(Q + (r << 3), load<f64>(R + (r << 3)) + gamma * csrRowDot(rowPtr, cols, probs, r, V, simd));
  }
}

/** CSR action values: Q[r] = R[r] + gamma sum_k probs[k] V[cols[k]], r in [0, S*A). */
export function bellmanQCsrSimd(
  rowPtr: usize, cols: usize, probs: usize, R: usize, V: usize, gamma: f64, Q: usize, S: i32, A: i32,
): void {
  qCsr(rowPtr, cols, probs, R, V, gamma, Q, S, A, true);
}

/** CSR action values, scalar twin. */
export function bellmanQCsrScalar(
  rowPtr: usize, cols: usize, probs: usize, R: usize, V: usize, gamma: f64, Q: usize, S: i32, A: i32,
): void {
  qCsr(rowPtr, cols, probs, R, V, gamma, Q, S, A, false);
}

// @ts-ignore: decorator
@inline function sweepCsr(
  rowPtr: usize, cols: usize, probs: usize, R: usize, pi: usize, gamma: f64, V: usize, out: usize, S: i32, A: i32,
  write: bool, simd: bool,
): f64 {
  let res = 0.0;
  for (let s = 0; s < S; s++) {
    let acc = 0.0;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w != 0) acc += w * (load<f64>(R + (r << 3)) + gamma * csrRowDot(rowPtr, cols, probs, r, V, simd));
    }
    const o = <usize>s << 3;
    if (write) store<f64>(out + o, acc);
    res = max(res, abs(acc - load<f64>(V + o)));
  }
  return res;
}

/** CSR Bellman expectation sweep out = r_pi + gamma P_pi V; returns max_s |out[s] - V[s]|. */
export function bellmanSweepCsrSimd(
  rowPtr: usize, cols: usize, probs: usize, R: usize, pi: usize, gamma: f64, V: usize, out: usize, S: i32, A: i32,
): f64 {
  return sweepCsr(rowPtr, cols, probs, R, pi, gamma, V, out, S, A, true, true);
}

/** CSR Bellman expectation sweep, scalar twin. */
export function bellmanSweepCsrScalar(
  rowPtr: usize, cols: usize, probs: usize, R: usize, pi: usize, gamma: f64, V: usize, out: usize, S: i32, A: i32,
): f64 {
  return sweepCsr(rowPtr, cols, probs, R, pi, gamma, V, out, S, A, true, false);
}

/** CSR Bellman residual max_s |(r_pi + gamma P_pi V)[s] - V[s]| without an output array. */
export function bellmanResidualCsrSimd(
  rowPtr: usize, cols: usize, probs: usize, R: usize, pi: usize, gamma: f64, V: usize, S: i32, A: i32,
): f64 {
  return sweepCsr(rowPtr, cols, probs, R, pi, gamma, V, 0, S, A, false, true);
}

/** CSR Bellman residual, scalar twin. */
export function bellmanResidualCsrScalar(
  rowPtr: usize, cols: usize, probs: usize, R: usize, pi: usize, gamma: f64, V: usize, S: i32, A: i32,
): f64 {
  return sweepCsr(rowPtr, cols, probs, R, pi, gamma, V, 0, S, A, false, false);
}

/**
 * CSR to a dense policy matrix with identity shift: out[s,.] = c e_s + alpha P_pi[s,.]
 * (c = 1, alpha = -gamma: I - gamma P_pi for LU on small sparse models).
 * out: [0, S*S) row-major, overwritten.
 */
export function bellmanPolicyMatrixCsr(
  rowPtr: usize, cols: usize, probs: usize, pi: usize, out: usize, S: i32, A: i32, c: f64, alpha: f64,
): void {
  const rowBytes = <usize>S << 3;
  memory.fill(out, 0, <usize>S * rowBytes);
  for (let s = 0; s < S; s++) {
    const dst = out + <usize>s * rowBytes;
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w == 0) continue;
      const f = alpha * w;
      const k0 = load<i32>(rowPtr + (r << 2));
      const k1 = load<i32>(rowPtr + (r << 2), 4);
      for (let k = k0; k < k1; k++) {
        const e = dst + (<usize>load<i32>(cols + (<usize>k << 2)) << 3);
        store<f64>(e, load<f64>(e) + f * load<f64>(probs + (<usize>k << 3)));
      }
    }
    const diag = dst + (<usize>s << 3);
    store<f64>(diag, load<f64>(diag) + c);
  }
}

// ---- CSR: P_pi compacted, and products with it ----

/**
 * Compacts the rows P_pi uses into a CSR matrix over states: row s holds the
 * entries of every row (s, a) with pi(a|s) != 0, probabilities scaled by
 * pi(a|s) (repeated columns are kept as separate entries). A deterministic
 * policy's P_pi then streams 1/A of the model per product instead of skipping
 * through all of it. outPtr: [0, S]; outCols, outVals: [0, nnz of the used rows)
 * (the caller counts them). Returns that count.
 */
export function bellmanPolicyCsr(
  rowPtr: usize, cols: usize, probs: usize, pi: usize, S: i32, A: i32, outPtr: usize, outCols: usize, outVals: usize,
): i32 {
  let n = 0;
  store<i32>(outPtr, 0);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const r = <usize>s * <usize>A + <usize>a;
      const w = load<f64>(pi + (r << 3));
      if (w == 0) continue;
      const k0 = load<i32>(rowPtr + (r << 2));
      const k1 = load<i32>(rowPtr + (r << 2), 4);
      for (let k = k0; k < k1; k++) {
        store<i32>(outCols + (<usize>n << 2), load<i32>(cols + (<usize>k << 2)));
        store<f64>(outVals + (<usize>n << 3), w * load<f64>(probs + (<usize>k << 3)));
        n++;
      }
    }
    store<i32>(outPtr + (<usize>(s + 1) << 2), n);
  }
  return n;
}

/**
 * y = c x + alpha M x for an n x n CSR matrix M (P_pi compacted).
 * ptr: [0, n]; cols, vals: [0, ptr[n]); x, y: [0, n), distinct.
 */
export function bellmanCsrMatvecSimd(
  ptr: usize, cols: usize, vals: usize, x: usize, y: usize, n: i32, c: f64, alpha: f64,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, c * load<f64>(x + o) + alpha * csrRowDot(ptr, cols, vals, <usize>i, x, true));
  }
}

/** y = c x + alpha M x for a CSR matrix, scalar twin. */
export function bellmanCsrMatvecScalar(
  ptr: usize, cols: usize, vals: usize, x: usize, y: usize, n: i32, c: f64, alpha: f64,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, c * load<f64>(x + o) + alpha * csrRowDot(ptr, cols, vals, <usize>i, x, false));
  }
}

/**
 * y = c x + alpha M^T x for an n x n CSR matrix M, by scattering its rows (no transpose is
 * formed). ptr: [0, n]; cols, vals: [0, ptr[n]); x, y: [0, n), distinct.
 */
export function bellmanCsrMatvecTransposed(
  ptr: usize, cols: usize, vals: usize, x: usize, y: usize, n: i32, c: f64, alpha: f64,
): void {
  scale1(c, x, y, n);
  for (let i = 0; i < n; i++) {
    const f = alpha * load<f64>(x + (<usize>i << 3));
    if (f == 0) continue;
    const k0 = load<i32>(ptr + (<usize>i << 2));
    const k1 = load<i32>(ptr + (<usize>i << 2), 4);
    for (let k = k0; k < k1; k++) {
      const dst = y + (<usize>load<i32>(cols + (<usize>k << 2)) << 3);
      store<f64>(dst, load<f64>(dst) + f * load<f64>(vals + (<usize>k << 3)));
    }
  }
}

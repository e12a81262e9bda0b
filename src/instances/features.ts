/**
 * Linear features phi(s,a) in R^dim for log-linear policies
 * pi_theta(a|s) ∝ exp(phi(s,a) . theta) (Agarwal, Kakade, Lee & Mahajan 2021,
 * "On the Theory of Policy Gradient Methods: Optimality, Approximation, and
 * Distribution Shift"; Yuan, Du, Gower, Lazaric & Xiao 2023, "Linear
 * Convergence of Natural Policy Gradient Methods with Log-Linear Policies").
 * Stored as compressed sparse rows over the S*A rows i = s*A + a,
 * so one-hot (tabular) features cost S*A entries, not (S*A)^2: row i holds
 * columns[rowStart[i] .. rowStart[i+1]) (strictly increasing) with their
 * values. Dense tables (linearFeatures, randomFeatures) keep every non-zero.
 * The least-squares fit of compatible function approximation is in
 * least-squares.ts.
 */
import { ValidationError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { checkOptions } from "../core/validate.js";

/** A feature map for S states and A actions, rows i = s*A + a in compressed sparse row form. */
export interface LinearFeatures {
  readonly S: number;
  readonly A: number;
  readonly dim: number;
  /** Row i's entries are rowStart[i] .. rowStart[i+1] - 1 (length S*A + 1, rowStart[0] = 0). */
  readonly rowStart: Int32Array;
  /** Feature index j of each entry, strictly increasing within a row. */
  readonly columns: Int32Array;
  /** phi(s,a)_j of each entry (finite). */
  readonly values: Float64Array;
}

function checkCount(field: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new ValidationError(field, "must be an integer >= 1", n);
  return n;
}

function checkShape(spec: unknown, what: string, keys: readonly string[], where: string): { S: number; A: number; dim: number } {
  if (spec === null || typeof spec !== "object") throw new ValidationError("features", `must be an object ${what}`, spec);
  checkOptions("features", spec, keys, where, "field");
  const o = spec as { S: unknown; A: unknown; dim: unknown };
  const S = checkCount("features.S", o.S);
  const A = checkCount("features.A", o.A);
  const dim = checkCount("features.dim", o.dim);
  if (S * A > 2 ** 31 - 2) throw new ValidationError("features", "S*A rows must fit an Int32Array index", S * A);
  return { S, A, dim };
}

function numberArray(field: string, raw: unknown): ArrayLike<number> {
  if (!(raw instanceof Float64Array) && !Array.isArray(raw)) throw new ValidationError(field, "must be a Float64Array or a number array", typeof raw);
  return raw;
}

/** Checks and wraps a dense feature table values[(s*A + a)*dim + j] (finite, length S*A*dim); zeros are not stored. */
export function linearFeatures(spec: { S: number; A: number; dim: number; values: Float64Array | number[] }): LinearFeatures {
  const { S, A, dim } = checkShape(spec, "{ S, A, dim, values }", ["S", "A", "dim", "values"], "linearFeatures");
  const raw = numberArray("features.values", spec.values);
  if (raw.length !== S * A * dim) throw new ValidationError("features.values", `wrong length: expected S*A*dim = ${S * A * dim}`, raw.length);
  let nnz = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / dim);
      throw new ValidationError("features.values", "must be finite", v, { state: Math.floor(row / A), action: row % A, feature: i % dim });
    }
    if (v !== 0) nnz++;
  }
  const n = S * A;
  const rowStart = new Int32Array(n + 1);
  const columns = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const v = raw[i * dim + j];
      if (v === 0) continue;
      columns[e] = j;
      values[e++] = v;
    }
    rowStart[i + 1] = e;
  }
  return Object.freeze({ S, A, dim, rowStart, columns, values });
}

/**
 * Checks and wraps a sparse feature map in compressed sparse rows (see
 * LinearFeatures): rowStart of length S*A + 1 from 0, non-decreasing, ending
 * at the entry count; columns in [0, dim), strictly increasing within a row;
 * finite values. The arrays are copied.
 */
export function sparseFeatures(spec: {
  S: number;
  A: number;
  dim: number;
  rowStart: Int32Array | number[];
  columns: Int32Array | number[];
  values: Float64Array | number[];
}): LinearFeatures {
  const { S, A, dim } = checkShape(spec, "{ S, A, dim, rowStart, columns, values }", ["S", "A", "dim", "rowStart", "columns", "values"], "sparseFeatures");
  const n = S * A;
  const starts = spec.rowStart;
  if (!(starts instanceof Int32Array) && !Array.isArray(starts)) throw new ValidationError("features.rowStart", "must be an Int32Array or a number array", typeof starts);
  if (starts.length !== n + 1) throw new ValidationError("features.rowStart", `wrong length: expected S*A + 1 = ${n + 1}`, starts.length);
  const cols = spec.columns;
  if (!(cols instanceof Int32Array) && !Array.isArray(cols)) throw new ValidationError("features.columns", "must be an Int32Array or a number array", typeof cols);
  const vals = numberArray("features.values", spec.values);
  const nnz = cols.length;
  if (vals.length !== nnz) throw new ValidationError("features.values", `wrong length: expected one value per column entry (${nnz})`, vals.length);
  if (starts[0] !== 0) throw new ValidationError("features.rowStart", "must start at 0", starts[0], { row: 0 });
  if (starts[n] !== nnz) throw new ValidationError("features.rowStart", `must end at the number of entries (${nnz})`, starts[n], { row: n });
  for (let i = 0; i < n; i++) {
    const lo = starts[i];
    const hi = starts[i + 1];
    if (!Number.isInteger(hi) || hi < lo) throw new ValidationError("features.rowStart", "must be non-decreasing integers", hi, { state: Math.floor(i / A), action: i % A });
    for (let e = lo; e < hi; e++) {
      const j = cols[e];
      if (!Number.isInteger(j) || j < 0 || j >= dim) {
        throw new ValidationError("features.columns", `must be integers in [0, dim = ${dim})`, j, { state: Math.floor(i / A), action: i % A, entry: e });
      }
      if (e > lo && j <= cols[e - 1]) {
        throw new ValidationError("features.columns", "must be strictly increasing within a row (no repeated feature)", j, { state: Math.floor(i / A), action: i % A, entry: e });
      }
      if (!Number.isFinite(vals[e])) throw new ValidationError("features.values", "must be finite", vals[e], { state: Math.floor(i / A), action: i % A, feature: j });
    }
  }
  return Object.freeze({ S, A, dim, rowStart: Int32Array.from(starts), columns: Int32Array.from(cols), values: Float64Array.from(vals) });
}

/** One-hot features phi(s,a) = e_{s*A + a} (dim = S*A, one entry per row): log-linear = softmax tabular. */
export function tabularFeatures(S: number, A: number): LinearFeatures {
  checkCount("S", S);
  checkCount("A", A);
  const n = S * A;
  const rowStart = new Int32Array(n + 1);
  const columns = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    rowStart[i + 1] = i + 1;
    columns[i] = i;
  }
  return Object.freeze({ S, A, dim: n, rowStart, columns, values: new Float64Array(n).fill(1) });
}

/** Standard normal features from `rng` (for experiments with a misspecified log-linear class). */
export function randomFeatures(S: number, A: number, dim: number, rng: Rng): LinearFeatures {
  checkCount("S", S);
  checkCount("A", A);
  checkCount("dim", dim);
  const values = new Float64Array(S * A * dim);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return linearFeatures({ S, A, dim, values });
}

/** Checks that `features` fit an MDP with S states and A actions. */
export function checkFeatures(features: unknown, S: number, A: number, where: string): LinearFeatures {
  const f = features as LinearFeatures | null;
  if (
    f === null || typeof f !== "object" || !(f.values instanceof Float64Array) || !(f.rowStart instanceof Int32Array) ||
    !(f.columns instanceof Int32Array) || !Number.isInteger(f.dim)
  ) {
    throw new ValidationError("features", `${where}: must come from linearFeatures(), sparseFeatures(), tabularFeatures() or randomFeatures()`, f === null ? null : typeof f);
  }
  if (f.S !== S || f.A !== A) throw new ValidationError("features", `${where}: built for S=${f.S}, A=${f.A}, the MDP has S=${S}, A=${A}`, `${f.S}x${f.A}`);
  if (f.rowStart.length !== S * A + 1) throw new ValidationError("features.rowStart", `${where}: wrong length`, f.rowStart.length);
  return f;
}

/** z[s*A + a] = phi(s,a) . theta (the logits of a log-linear policy): a sparse product Phi theta. */
export function featureLogits(features: LinearFeatures, theta: ArrayLike<number>, out = new Float64Array(features.S * features.A)): Float64Array {
  const { S, A, dim, rowStart, columns, values } = features;
  if (theta.length !== dim) throw new ValidationError("theta", `wrong length: expected dim = ${dim}`, theta.length);
  for (let i = 0; i < S * A; i++) {
    let z = 0;
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) z += values[e] * theta[columns[e]];
    out[i] = z;
  }
  return out;
}

/** The dense table values[(s*A + a)*dim + j] of a feature map (for inspection and small maps). */
export function denseFeatureTable(features: LinearFeatures): Float64Array {
  const { S, A, dim, rowStart, columns, values } = features;
  const out = new Float64Array(S * A * dim);
  for (let i = 0; i < S * A; i++) {
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) out[i * dim + columns[e]] = values[e];
  }
  return out;
}

/** pi_theta = softmax(Phi theta) per state, and its log (log-sum-exp, no underflow in the log). */
export function logLinearPolicy(features: LinearFeatures, theta: ArrayLike<number>): { policy: Float64Array; logPolicy: Float64Array } {
  const z = featureLogits(features, theta);
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i])) throw new ValidationError("theta", "gives non-finite logits", z[i], { row: i });
  }
  const logPolicy = logSoftmaxRows(z, features.S, features.A);
  const policy = new Float64Array(logPolicy.length);
  for (let i = 0; i < policy.length; i++) policy[i] = Math.exp(logPolicy[i]);
  return { policy, logPolicy };
}

/**
 * Per-state log-softmax of logits (S*A): z - log sum exp z. -Infinity logits
 * stay -Infinity; each row needs one finite logit (+Infinity not allowed).
 */
export function logSoftmaxRows(z: Float64Array, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  for (let s = 0; s < S; s++) {
    const base = s * A;
    let m = -Infinity;
    for (let a = 0; a < A; a++) m = Math.max(m, z[base + a]);
    if (!Number.isFinite(m)) throw new ValidationError("logits", "each state needs a finite largest logit", m, { state: s });
    let sum = 0;
    for (let a = 0; a < A; a++) sum += Math.exp(z[base + a] - m);
    const lse = m + Math.log(sum);
    for (let a = 0; a < A; a++) out[base + a] = z[base + a] - lse;
  }
  return out;
}

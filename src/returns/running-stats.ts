/**
 * Running mean and variance of vectors, merged batch by batch with the
 * parallel-variance formula (Chan, Golub & LeVeque 1979), as SB3's
 * RunningMeanStd does it for VecNormalize: with the running (mean, var, count)
 * and a batch (mean_b, var_b, n_b), delta = mean_b - mean, N = count + n_b,
 *
 *   mean' = mean + delta n_b / N,   var' = (var count + var_b n_b + delta^2 count n_b / N) / N
 *
 * (population variances). SB3 starts from mean 0, var 1, count 1e-4 (a tiny
 * prior pseudo-count that keeps the first normalisation finite); epsilon 0
 * gives the plain batch statistics.
 */
import { ValidationError } from "../core/errors.js";
import { checkFiniteVector, checkInteger, checkNumber, checkObject, isArrayLike, kindOf } from "../core/validate.js";

/** Most dimensions the running statistics keep (a bound on the arrays they allocate). */
export const MAX_STATS_SIZE = 1 << 26;

/** A positive finite scale (clip bound, variance epsilon) of a normaliser. */
function checkPositive(field: string, v: unknown, where: string): number {
  if (typeof v !== "number" || !(v > 0 && v < Infinity)) {
    throw new ValidationError(field, "must be a finite number > 0", v, { class: where });
  }
  return v;
}

/** Rows of `x` at `d` values each: an array-like whose length is a multiple of d (and of at least `rows` rows). */
function checkRows(field: string, x: unknown, d: number, where: string): ArrayLike<number> {
  if (!isArrayLike(x)) throw new ValidationError(field, `must be an array of rows of ${d} values`, kindOf(x), { class: where });
  if (x.length % d !== 0) throw new ValidationError(field, `length must be a multiple of ${d}`, x.length, { class: where });
  return x as ArrayLike<number>;
}

export interface RunningStatsState {
  mean: Float64Array;
  var: Float64Array;
  count: number;
}

export class RunningMeanStd {
  readonly size: number;
  mean: Float64Array;
  var: Float64Array;
  count: number;
  private nextMean: Float64Array | undefined;
  private nextVar: Float64Array | undefined;

  constructor(size: number, epsilon = 1e-4) {
    if (!Number.isInteger(size) || size < 1) throw new ValidationError("size", "must be an integer >= 1", size);
    checkInteger("size", size, { lo: 1, hi: MAX_STATS_SIZE }, { class: "RunningMeanStd" });
    // epsilon is a prior pseudo-count: a count, at most 2^53 (larger ones overflow the first merge).
    if (typeof epsilon !== "number" || !(epsilon >= 0 && epsilon <= 2 ** 53)) throw new ValidationError("epsilon", "must be a count in [0, 2^53]", epsilon);
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Merges `rows` rows of `x` (rows x size, row-major) into the statistics. */
  update(x: ArrayLike<number>, rows?: number): void {
    const d = this.size;
    if (!isArrayLike(x)) throw new ValidationError("x", `must be an array of rows of ${d} values`, kindOf(x), { class: "RunningMeanStd" });
    rows ??= x.length / d;
    if (!Number.isInteger(rows) || rows < 0 || x.length < rows * d) {
      throw new ValidationError("x", `must hold rows x ${d} values`, x.length, { rows });
    }
    if (rows === 0) return;
    const bm = new Float64Array(d);
    const bv = new Float64Array(d);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) bm[j] += x[r * d + j];
    for (let j = 0; j < d; j++) bm[j] /= rows;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const c = x[r * d + j] - bm[j];
        bv[j] += c * c;
      }
    }
    for (let j = 0; j < d; j++) bv[j] /= rows;
    // One check per dimension, not per value: a NaN or an infinite value (or an overflow) makes the batch's moments non-finite.
    for (let j = 0; j < d; j++) {
      if (!(Number.isFinite(bm[j]) && Number.isFinite(bv[j]))) {
        let row = 0;
        while (row < rows - 1 && Number.isFinite(x[row * d + j])) row++;
        throw new ValidationError("x", "values must be finite (and their squares too)", x[row * d + j], { row, column: j });
      }
    }
    this.mergeUnchecked(bm, bv, rows, "x");
  }

  /** Merges a batch given by its mean, population variance (finite, >= 0) and count (> 0, or 0 to do nothing). */
  merge(batchMean: ArrayLike<number>, batchVar: ArrayLike<number>, batchCount: number): void {
    const where = { class: "RunningMeanStd" };
    checkFiniteVector("batchMean", batchMean, this.size, "size", where);
    checkFiniteVector("batchVar", batchVar, this.size, "size", where);
    for (let j = 0; j < this.size; j++) {
      if (!(batchVar[j] >= 0)) throw new ValidationError("batchVar", "variances must be >= 0", batchVar[j], { index: j });
    }
    checkNumber("batchCount", batchCount, { lo: 0, hi: Number.MAX_SAFE_INTEGER }, where);
    if (batchCount === 0) return;
    this.mergeUnchecked(batchMean, batchVar, batchCount, "batchMean");
  }

  private mergeUnchecked(batchMean: ArrayLike<number>, batchVar: ArrayLike<number>, batchCount: number, field: string): void {
    const total = this.count + batchCount;
    // Into scratch first: statistics that would overflow are rejected, never kept.
    const mean = (this.nextMean ??= new Float64Array(this.size));
    const variance = (this.nextVar ??= new Float64Array(this.size));
    for (let j = 0; j < this.size; j++) {
      const delta = batchMean[j] - this.mean[j];
      const m2 = this.var[j] * this.count + batchVar[j] * batchCount + ((delta * delta * this.count) * batchCount) / total;
      mean[j] = this.mean[j] + (delta * batchCount) / total;
      variance[j] = m2 / total;
      if (!(Number.isFinite(mean[j]) && Number.isFinite(variance[j]))) {
        throw new ValidationError(field, "the running mean and variance would overflow (values or counts too large)", batchMean[j], { column: j });
      }
    }
    this.mean.set(mean);
    this.var.set(variance);
    this.count = total;
  }

  getState(): RunningStatsState {
    return { mean: this.mean.slice(), var: this.var.slice(), count: this.count };
  }

  setState(state: RunningStatsState): void {
    checkObject("state", state, "RunningMeanStd: { mean, var, count }");
    if (!isArrayLike(state.mean) || !isArrayLike(state.var) || state.mean.length !== this.size || state.var.length !== this.size) {
      throw new ValidationError("state", `must hold ${this.size} means and variances`, isArrayLike(state.mean) ? state.mean.length : kindOf(state.mean));
    }
    for (let j = 0; j < this.size; j++) {
      if (!Number.isFinite(state.mean[j]) || !(state.var[j] >= 0 && state.var[j] < Infinity)) {
        throw new ValidationError("state", "needs finite means and variances >= 0", [state.mean[j], state.var[j]], { index: j });
      }
    }
    if (typeof state.count !== "number" || !(state.count >= 0 && state.count < Infinity)) throw new ValidationError("count", "must be finite and >= 0", state.count);
    this.mean = Float64Array.from(state.mean);
    this.var = Float64Array.from(state.var);
    this.count = state.count;
  }
}

/** SB3 VecNormalize's constants. */
export const NORMALIZE_CLIP = 10;
export const NORMALIZE_EPSILON = 1e-8;

/**
 * Observation normalisation as SB3's VecNormalize: obs' = clip((obs - mean) / sqrt(var + 1e-8), -10, 10),
 * statistics updated from every raw observation seen while training.
 */
export class ObsNormalizer {
  readonly stats: RunningMeanStd;
  /** `size` values per observation; `clip` and `epsilon` finite and > 0 (epsilon keeps constant dimensions finite). */
  constructor(
    readonly size: number,
    readonly clip = NORMALIZE_CLIP,
    readonly epsilon = NORMALIZE_EPSILON,
  ) {
    this.stats = new RunningMeanStd(size);
    checkPositive("clip", clip, "ObsNormalizer");
    checkPositive("epsilon", epsilon, "ObsNormalizer");
  }

  /**
   * Writes the normalised rows of `obs` into `out` (may be `obs`); returns out.
   * Values are normalised as given (a NaN stays NaN: `stats.update` is what
   * rejects non-finite observations, once per batch).
   */
  normalize<T extends Float32Array | Float64Array>(obs: ArrayLike<number>, out: T): T {
    const d = this.size;
    checkRows("obs", obs, d, "ObsNormalizer");
    if (!(out instanceof Float32Array || out instanceof Float64Array) || out.length < obs.length) {
      throw new ValidationError("out", `must be a Float32Array or Float64Array of at least obs.length = ${obs.length}`, kindOf(out), { class: "ObsNormalizer" });
    }
    const { mean } = this.stats;
    const scale = new Float64Array(d);
    // sqrt and division are correctly rounded in every engine: no Math.* drift.
    for (let j = 0; j < d; j++) scale[j] = Math.sqrt(this.stats.var[j] + this.epsilon);
    const c = this.clip;
    for (let i = 0; i < obs.length; i++) {
      const j = i % d;
      const z = (obs[i] - mean[j]) / scale[j];
      out[i] = z > c ? c : z < -c ? -c : z;
    }
    return out;
  }
}

/**
 * Reward normalisation as SB3's VecNormalize: each copy keeps a discounted
 * return R = gamma R + r (reset to 0 when its episode ends); rewards are
 * divided by sqrt(var(R) + 1e-8) and clipped at +-10. Not centred, so the
 * sign of rewards is kept.
 */
export class RewardNormalizer {
  readonly stats = new RunningMeanStd(1);
  private readonly running: Float64Array;
  private nextRunning: Float64Array | undefined;
  /** numEnvs copies; `gamma` in [0, 1]; `clip` and `epsilon` finite and > 0. */
  constructor(
    readonly numEnvs: number,
    readonly gamma: number,
    readonly clip = NORMALIZE_CLIP,
    readonly epsilon = NORMALIZE_EPSILON,
  ) {
    const where = { class: "RewardNormalizer" };
    checkInteger("numEnvs", numEnvs, { lo: 1, hi: MAX_STATS_SIZE }, where);
    checkNumber("gamma", gamma, { lo: 0, hi: 1 }, where);
    checkPositive("clip", clip, "RewardNormalizer");
    checkPositive("epsilon", epsilon, "RewardNormalizer");
    this.running = new Float64Array(numEnvs);
  }

  /** Updates the return statistics with this step's rewards and scales them in place into `out`. */
  step(rewards: ArrayLike<number>, ended: ArrayLike<number>, out: Float64Array, update = true): Float64Array {
    const E = this.numEnvs;
    if (!isArrayLike(rewards) || !isArrayLike(ended) || !(out instanceof Float64Array) || rewards.length !== E || ended.length !== E || out.length < E) {
      throw new ValidationError("rewards", `rewards and ended must hold numEnvs = ${E} values and out (a Float64Array) at least as many`, isArrayLike(rewards) ? rewards.length : kindOf(rewards), { class: "RewardNormalizer" });
    }
    // Before the running returns change: a non-finite reward would poison them for good.
    for (let e = 0; e < E; e++) {
      if (!Number.isFinite(rewards[e])) throw new ValidationError("rewards", "must be finite", rewards[e], { copy: e });
    }
    if (update) {
      // The new returns go to scratch and are kept only once the statistics took them.
      const next = (this.nextRunning ??= new Float64Array(E));
      for (let e = 0; e < this.numEnvs; e++) next[e] = this.running[e] * this.gamma + rewards[e];
      try {
        this.stats.update(next, this.numEnvs);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        throw new ValidationError("rewards", "their discounted returns overflow the running statistics", Array.from(rewards), { class: "RewardNormalizer" });
      }
      this.running.set(next);
    }
    const s = Math.sqrt(this.stats.var[0] + this.epsilon);
    const c = this.clip;
    for (let e = 0; e < this.numEnvs; e++) {
      const z = rewards[e] / s;
      out[e] = z > c ? c : z < -c ? -c : z;
      if (ended[e]) this.running[e] = 0;
    }
    return out;
  }
}

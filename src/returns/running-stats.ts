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

  constructor(size: number, epsilon = 1e-4) {
    if (!Number.isInteger(size) || size < 1) throw new ValidationError("size", "must be an integer >= 1", size);
    if (!(epsilon >= 0 && epsilon < Infinity)) throw new ValidationError("epsilon", "must be finite and >= 0", epsilon);
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Merges `rows` rows of `x` (rows x size, row-major) into the statistics. */
  update(x: ArrayLike<number>, rows = x.length / this.size): void {
    const d = this.size;
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
    this.merge(bm, bv, rows);
  }

  /** Merges a batch given by its mean, population variance and count. */
  merge(batchMean: ArrayLike<number>, batchVar: ArrayLike<number>, batchCount: number): void {
    const total = this.count + batchCount;
    for (let j = 0; j < this.size; j++) {
      const delta = batchMean[j] - this.mean[j];
      const m2 = this.var[j] * this.count + batchVar[j] * batchCount + ((delta * delta * this.count) * batchCount) / total;
      this.mean[j] += (delta * batchCount) / total;
      this.var[j] = m2 / total;
    }
    this.count = total;
  }

  getState(): RunningStatsState {
    return { mean: this.mean.slice(), var: this.var.slice(), count: this.count };
  }

  setState(state: RunningStatsState): void {
    if (state.mean.length !== this.size || state.var.length !== this.size) {
      throw new ValidationError("state", `must hold ${this.size} means and variances`, state.mean.length);
    }
    for (let j = 0; j < this.size; j++) {
      if (!Number.isFinite(state.mean[j]) || !(state.var[j] >= 0 && state.var[j] < Infinity)) {
        throw new ValidationError("state", "needs finite means and variances >= 0", [state.mean[j], state.var[j]], { index: j });
      }
    }
    if (!(state.count >= 0 && state.count < Infinity)) throw new ValidationError("count", "must be finite and >= 0", state.count);
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
  constructor(
    readonly size: number,
    readonly clip = NORMALIZE_CLIP,
    readonly epsilon = NORMALIZE_EPSILON,
  ) {
    this.stats = new RunningMeanStd(size);
  }

  /** Writes the normalised rows of `obs` into `out` (may be `obs`); returns out. */
  normalize<T extends Float32Array | Float64Array>(obs: ArrayLike<number>, out: T): T {
    const d = this.size;
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
  constructor(
    readonly numEnvs: number,
    readonly gamma: number,
    readonly clip = NORMALIZE_CLIP,
    readonly epsilon = NORMALIZE_EPSILON,
  ) {
    this.running = new Float64Array(numEnvs);
  }

  /** Updates the return statistics with this step's rewards and scales them in place into `out`. */
  step(rewards: ArrayLike<number>, ended: ArrayLike<number>, out: Float64Array, update = true): Float64Array {
    if (update) {
      for (let e = 0; e < this.numEnvs; e++) this.running[e] = this.running[e] * this.gamma + rewards[e];
      this.stats.update(this.running, this.numEnvs);
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

/**
 * Observation and action spaces with Gymnasium's semantics (gymnasium.spaces):
 * `Box` (a product of intervals with a shape and a dtype) and `Discrete`
 * (the integers start, ..., start + n - 1). Sampling draws from our seeded
 * `Rng`, with Gymnasium's distributions: uniform on bounded dimensions, normal
 * on unbounded ones, shifted exponential on half-bounded ones.
 */
import { ValidationError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { checkObject, checkOptions, isArrayLike, kindOf } from "../core/validate.js";

/** Most elements a Box may have (its bounds are two arrays of that many numbers). */
export const MAX_BOX_SIZE = 1 << 26;

/** Element type of a Box: "float32" (Float32Array) or "float64" (Float64Array). */
export type BoxDtype = "float32" | "float64";

type FloatArray = Float32Array | Float64Array;

function allocate(dtype: BoxDtype, n: number): FloatArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/**
 * A box [low, high] in R^shape. `low` and `high` are stored in the box's dtype
 * (Gymnasium casts them too, so CartPole's 12-degree bound is a float32).
 */
export class Box {
  readonly kind = "box" as const;
  readonly low: FloatArray;
  readonly high: FloatArray;
  readonly shape: readonly number[];
  readonly dtype: BoxDtype;
  /** Number of elements: the product of the shape. */
  readonly size: number;

  /**
   * `low` and `high` are numbers (broadcast to `shape`) or arrays of `shape`'s
   * size; `shape` defaults to the arrays' length. Infinite bounds are allowed.
   */
  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    options: { shape?: readonly number[]; dtype?: BoxDtype } = {},
  ) {
    checkObject("options", options, "Box: { shape, dtype }", { space: "Box" });
    checkOptions("options", options, ["shape", "dtype"], "Box");
    const dtype = options.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") {
      throw new ValidationError("dtype", "must be \"float32\" or \"float64\"", dtype, { space: "Box" });
    }
    for (const [name, v] of [["low", low], ["high", high]] as const) {
      if (typeof v !== "number" && !isArrayLike(v)) {
        throw new ValidationError(name, "must be a number or an array of numbers", kindOf(v), { space: "Box" });
      }
    }
    const inferred =
      typeof low !== "number" ? [low.length] : typeof high !== "number" ? [high.length] : undefined;
    const shape = options.shape ?? inferred;
    if (!shape) throw new ValidationError("shape", "is required when low and high are numbers", shape, { space: "Box" });
    if (!Array.isArray(shape)) throw new ValidationError("shape", "must be an array of dimensions", kindOf(shape), { space: "Box" });
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new ValidationError("shape", "entries must be non-negative integers", shape);
    }
    const size = shape.reduce((p, d) => p * d, 1);
    if (size > MAX_BOX_SIZE) throw new ValidationError("shape", `must have at most ${MAX_BOX_SIZE} elements`, shape, { space: "Box" });
    const fill = (v: number | ArrayLike<number>, name: string): FloatArray => {
      const out = allocate(dtype, size);
      if (typeof v === "number") out.fill(v);
      else {
        if (v.length !== size) throw new ValidationError(name, `must have ${size} entries for shape [${shape.join(", ")}]`, v.length);
        for (let i = 0; i < size; i++) {
          if (typeof v[i] !== "number") throw new ValidationError(name, "entries must be numbers", v[i], { index: i });
          out[i] = v[i];
        }
      }
      for (let i = 0; i < size; i++) {
        if (Number.isNaN(out[i])) throw new ValidationError(name, "must not be NaN", out[i], { index: i });
      }
      return out;
    };
    this.low = fill(low, "low");
    this.high = fill(high, "high");
    for (let i = 0; i < size; i++) {
      if (this.low[i] > this.high[i]) {
        throw new ValidationError("low", `must not exceed high (${this.high[i]})`, this.low[i], { index: i });
      }
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = size;
  }

  /**
   * A random element: uniform where both bounds are finite, standard normal
   * where none is, low + Exp(1) or high - Exp(1) where one is (Gymnasium's rule).
   */
  sample(rng: Rng): FloatArray {
    const out = allocate(this.dtype, this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      const loFinite = Number.isFinite(lo);
      const hiFinite = Number.isFinite(hi);
      if (loFinite && hiFinite) out[i] = rng.uniform(lo, hi);
      else if (!loFinite && !hiFinite) out[i] = rng.normal();
      else if (loFinite) out[i] = lo - Math.log(1 - rng.random());
      else out[i] = hi + Math.log(1 - rng.random());
      // Rounding to float32 can push a value just above a float32 bound.
      if (out[i] > hi) out[i] = hi;
      if (out[i] < lo) out[i] = lo;
    }
    return out;
  }

  /**
   * True if x has the box's size, an element type that converts to the box's
   * dtype without loss (like numpy's can_cast: a Float64Array is not in a
   * float32 box; a plain array is converted), and every entry in [low, high].
   */
  contains(x: unknown): boolean {
    let values: ArrayLike<number>;
    if (x instanceof Float32Array) values = x;
    else if (x instanceof Float64Array) {
      if (this.dtype === "float32") return false;
      values = x;
    } else if (Array.isArray(x)) {
      if (!x.every((v) => typeof v === "number")) return false;
      values = this.dtype === "float32" ? Float32Array.from(x as number[]) : (x as number[]);
    } else return false;
    if (values.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = values[i];
      if (!(v >= this.low[i] && v <= this.high[i])) return false;
    }
    return true;
  }

  toString(): string {
    const fmt = (a: FloatArray): string => `[${Array.from(a, (v) => String(v)).join(", ")}]`;
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, (${this.shape.join(", ")}), ${this.dtype})`;
  }
}

/** The integers start, start + 1, ..., start + n - 1. */
export class Discrete {
  readonly kind = "discrete" as const;
  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new ValidationError("n", "must be a positive integer", n, { space: "Discrete" });
    if (n > 2 ** 32) throw new ValidationError("n", "must be a positive integer at most 2^32 (sampling draws 32-bit integers)", n, { space: "Discrete" });
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(start + n)) {
      throw new ValidationError("start", "must be an integer (start + n a safe integer)", start, { space: "Discrete" });
    }
  }

  /** Uniform over the n values. */
  sample(rng: Rng): number {
    return this.start + rng.int(this.n);
  }

  /** True if x is an integer in [start, start + n). */
  contains(x: unknown): boolean {
    return typeof x === "number" && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/** An observation or action space. */
export type Space = Box | Discrete;

/** Number of scalars one element occupies in a flat batch row (1 for Discrete). */
export function flatSize(space: Space): number {
  return space.kind === "box" ? space.size : 1;
}

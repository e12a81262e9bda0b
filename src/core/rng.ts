/**
 * The library's one seeded generator: xoshiro128** (Blackman & Vigna, 2018),
 * seeded through splitmix32. It uses only 32-bit integer arithmetic
 * (`Math.imul`, shifts), so a seed gives bit-identical streams in Node and in
 * every browser. Every random choice in mirror-rl draws from an `Rng`.
 */
import { log } from "./det-math.js";
import { ValidationError } from "./errors.js";

/**
 * Checks a saved xoshiro128** state: four integers in [-2^31, 2^32) (each read
 * modulo 2^32, so `getState`'s unsigned words and their int32 forms both
 * pass), not all zero: the all-zero state is the generator's one fixed point
 * (every later output is 0, and `normal()` would loop forever). Returns the
 * four words as int32.
 */
export function checkRngState(field: string, state: unknown, where = "Rng.fromState"): [number, number, number, number] {
  const ok =
    (Array.isArray(state) || (ArrayBuffer.isView(state) && !(state instanceof DataView))) &&
    (state as ArrayLike<unknown>).length === 4;
  if (!ok) throw new ValidationError(field, "must be the 4 numbers of Rng.getState()", state, { function: where });
  const words = state as ArrayLike<unknown>;
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const w = words[i];
    if (typeof w !== "number" || !Number.isInteger(w) || w < -(2 ** 31) || w >= 2 ** 32) {
      throw new ValidationError(field, "state words must be integers in [-2^31, 2^32)", w, { function: where, index: i });
    }
    out[i] = w | 0;
  }
  if ((out[0] | out[1] | out[2] | out[3]) === 0) {
    throw new ValidationError(field, "the all-zero state is xoshiro's fixed point (the generator would only return 0)", [0, 0, 0, 0], {
      function: where,
    });
  }
  return out;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** `seed` is any integer (taken modulo 2^32); the same seed gives the same stream. */
  constructor(seed = 0) {
    if (typeof seed !== "number" || !Number.isFinite(seed)) throw new ValidationError("seed", "must be a finite number", seed, { function: "Rng" });
    let x = Math.trunc(seed) >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  /** Uniform integer in [0, n) without modulo bias; n in [1, 2^32]. */
  int(n: number): number {
    if (!(typeof n === "number" && n >= 1 && n <= 4294967296 && Number.isInteger(n))) {
      throw new ValidationError("n", "must be an integer in [1, 2^32]", n, { function: "Rng.int" });
    }
    const limit = 4294967296 - mod(4294967296, n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return mod(x, n);
  }

  /** Standard normal draw (Marsaglia's polar method). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * log(s)) / s); // engine-independent log: same bits in Node and browsers
    this.spareNormal = v * f;
    return u * f;
  }

  /** Index drawn from the discrete distribution `p[offset .. offset+n)` (need not be normalised). */
  categorical(p: ArrayLike<number>, offset = 0, n = p.length - offset): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += p[offset + i];
    let u = this.random() * total;
    for (let i = 0; i < n; i++) {
      u -= p[offset + i];
      if (u < 0) return i;
    }
    // Rounding left u >= 0: return the last index with positive mass.
    for (let i = n - 1; i >= 0; i--) if (p[offset + i] > 0) return i;
    return n - 1;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[] | Int32Array | Float64Array): void {
    if (items instanceof Int32Array) {
      // The same draws and swaps on one array type: a loop V8 compiles monomorphic.
      shuffleInt32(this, items);
      return;
    }
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t as never;
    }
  }

  /** An independent generator derived from this one (for sub-streams). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }

  /** The full state, for saving and restoring (`Rng.fromState`). */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /**
   * A generator continuing from a state saved by `getState()`: four integers,
   * not all zero (see `checkRngState`); anything else is a ValidationError.
   */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const words = checkRngState("state", state);
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = words;
    return r;
  }
}

/**
 * x mod n for integers 0 <= x <= 2^32 and 1 <= n <= 2^32, exactly: with
 * x = k n + r, x / n is at least 1/n below k + 1 and rounds by at most
 * (k + 1) 2^-53 < 1/n (as n (k + 1) <= 2^33), so floor gives k. A double `%`
 * is a C call in V8, several times slower.
 */
function mod(x: number, n: number): number {
  return x - Math.floor(x / n) * n;
}

function shuffleInt32(rng: Rng, items: Int32Array): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Boundary checks shared by the mirror module: shapes, tables and per-state
 * coefficients, each failing with a ValidationError that names the field, the
 * location and the bad value, so that kernels only ever see valid input.
 */
import { ValidationError } from "./errors.js";
import { validateShape } from "../mdp/validate.js";

export { validateShape };

/** Checks `x` is a Float64Array of length n; returns it. */
export function checkArray(field: string, x: unknown, n: number, what: string): Float64Array {
  if (!(x instanceof Float64Array)) {
    throw new ValidationError(field, "must be a Float64Array", x === null ? "null" : typeof x);
  }
  if (x.length !== n) throw new ValidationError(field, `wrong length: expected ${what} = ${n}`, x.length);
  return x;
}

/** An S*A table of finite numbers (advantages, Q values). */
export function checkTable(field: string, x: unknown, S: number, A: number): Float64Array {
  const t = checkArray(field, x, S * A, "S*A");
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i])) {
      throw new ValidationError(field, "must be finite", t[i], { state: Math.floor(i / A), action: i % A });
    }
  }
  return t;
}

/** An S*A table of log-probabilities: finite or -inf, each row with a finite entry, rows summing to 1 in probability within 1e-9. */
export function checkLogPolicy(field: string, x: unknown, S: number, A: number): Float64Array {
  const t = checkArray(field, x, S * A, "S*A");
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const v = t[s * A + a];
      if (!(v <= 0 && (Number.isFinite(v) || v === -Infinity))) {
        throw new ValidationError(field, "log-probability must be finite and <= 0, or -Infinity", v, {
          state: s,
          action: a,
        });
      }
      sum += Math.exp(v);
    }
    if (!(Math.abs(sum - 1) <= 1e-9)) {
      throw new ValidationError(field, "exp of the row does not sum to 1", sum, { state: s });
    }
  }
  return t;
}

/** A row-stochastic S*A table (a policy): entries in [0, 1], rows summing to 1 within 1e-9. */
export function checkPolicy(field: string, x: unknown, S: number, A: number): Float64Array {
  const t = checkArray(field, x, S * A, "S*A");
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const v = t[s * A + a];
      if (!(v >= 0 && v <= 1)) {
        throw new ValidationError(field, "probability must be a finite number in [0, 1]", v, { state: s, action: a });
      }
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= 1e-9)) throw new ValidationError(field, "policy row does not sum to 1", sum, { state: s });
  }
  return t;
}

/** Per-state coefficients: length S, each >= min (default 0), +inf allowed when `allowInfinity`. */
export function checkCoefficients(
  field: string,
  x: unknown,
  S: number,
  { min = 0, allowInfinity = true }: { min?: number; allowInfinity?: boolean } = {},
): Float64Array {
  const t = checkArray(field, x, S, "S");
  for (let s = 0; s < S; s++) {
    const v = t[s];
    const ok = v >= min && (allowInfinity ? !Number.isNaN(v) : Number.isFinite(v));
    if (!ok) {
      const range = `${allowInfinity ? "" : "finite and "}>= ${min}${allowInfinity ? " (+Infinity allowed)" : ""}`;
      throw new ValidationError(field, `must be ${range}`, v, { state: s });
    }
  }
  return t;
}

/** A scalar in [lo, hi] (or (lo, hi] etc. through `open`), finite unless hi is Infinity and allowed. */
export function checkNumber(
  field: string,
  v: unknown,
  { lo = -Infinity, hi = Infinity, openLo = false, openHi = false }: { lo?: number; hi?: number; openLo?: boolean; openHi?: boolean },
): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new ValidationError(field, "must be a number", v);
  const okLo = openLo ? v > lo : v >= lo;
  const okHi = openHi ? v < hi : v <= hi;
  if (!okLo || !okHi) {
    throw new ValidationError(field, `must be in ${openLo ? "(" : "["}${lo}, ${hi}${openHi ? ")" : "]"}`, v);
  }
  return v;
}

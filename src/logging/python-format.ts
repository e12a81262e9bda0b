/**
 * Numbers as Python prints them (`str(float)` / `repr`, which `json.dumps`
 * uses too), so that the CSV files read like the ones Stable-Baselines3
 * writes: `500.0` not `500`, `1e-05` not `0.00001`.
 */

/**
 * Python's repr of a float: the shortest digits that read back to the same
 * double (as JavaScript's), in fixed notation for decimal exponents -4 <= e < 16
 * and scientific with a signed two-digit exponent otherwise; integral values
 * end in ".0"; nan, inf, -inf.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = x.toExponential().split("e");
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const sign = e < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const fixed = String(x); // JavaScript's fixed notation covers 1e-7 <= |x| < 1e21 with the same digits
  return Number.isInteger(x) ? `${fixed}.0` : fixed;
}

/** Python's str of an int (a JavaScript integer; non-integers are truncated toward zero as int() does). */
export function pythonInt(x: number): string {
  return String(Math.trunc(x));
}

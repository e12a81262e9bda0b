/**
 * Elementary functions computed with IEEE-754 arithmetic only (+, −, ×, ÷,
 * which every JavaScript engine rounds identically), so they give the same
 * bits in Node and in every browser. `Math.log` does not: V8 in Node 20 and
 * Chromium round about 8% of results differently, which would break the
 * promise that a seed gives bit-identical results everywhere.
 *
 * `log` follows the classic argument reduction x = 2^k·m, m ∈ [√2/2, √2),
 * log(m) = f − f²/2 + s(f²/2 + R(s²)), s = f/(2+f), with the minimax
 * coefficients of Sun Microsystems' fdlibm (e_log.c); error < 1 ulp.
 */

const view = new DataView(new ArrayBuffer(8));

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const TWO54 = 18014398509481984;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Natural logarithm, bit-identical across JavaScript engines (|error| < 1 ulp). */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return x;
  let k = 0;
  if (x < MIN_NORMAL) {
    x *= TWO54;
    k = -54;
  }
  view.setFloat64(0, x);
  let hi = view.getUint32(0);
  k += (hi >>> 20) - 1023;
  hi &= 0x000fffff;
  // Choose the exponent so that m = x / 2^k lies in [√2/2, √2).
  const i = (hi + 0x95f64) & 0x100000;
  view.setUint32(0, hi | (i ^ 0x3ff00000));
  k += i >>> 20;
  const f = view.getFloat64(0) - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
}

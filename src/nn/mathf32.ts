/**
 * The f32 exponential of the kernels (assembly/nn/mathf32.ts) in TypeScript,
 * operation for operation with Math.fround, so it returns the kernels' bits:
 * sampling from a head uses exactly the kernels' probabilities, and does not
 * depend on the JavaScript engine's Math.exp (which may differ between
 * browsers in the last bit). f32 +, -, * done in double then rounded once are
 * correctly rounded (double has more than 2 x 24 + 2 bits), so the rounding
 * matches WebAssembly's f32 arithmetic.
 */
const f = Math.fround;

const LOG2E = f(1.4426950408889634);
const SHIFTER = f(12582912.0);
const LN2_HI = f(0.693145751953125);
const LN2_LO = f(1.428606765330187e-6);
const E0 = f(0.4999999403953552);
const E1 = f(0.1666652113199234);
const E2 = f(0.04166838899254799);
const E3 = f(0.00836869701743126);
const E4 = f(0.0013814546400681138);
const EXP_MIN = f(-87.33654);
const EXP_MAX = f(88.0);

/** exp(x) rounded as the kernels round it (x is first rounded to f32). */
export function expF32(x: number): number {
  x = f(x);
  if (x < EXP_MIN) return 0;
  if (x > EXP_MAX) return Infinity;
  if (x !== x) return NaN;
  const kf = f(f(x * LOG2E) + SHIFTER);
  const n = f(kf - SHIFTER);
  const r = f(f(x - f(n * LN2_HI)) - f(n * LN2_LO));
  const r2 = f(r * r);
  let q = f(E3 + f(r * E4));
  q = f(E2 + f(r * q));
  q = f(E1 + f(r * q));
  q = f(E0 + f(r * q));
  const p = f(f(r + f(r2 * q)) + 1);
  // 2^n exactly (n is an integer in [-126, 127]).
  return f(p * 2 ** n);
}

// The f64 exp, log and phi of assembly/mirror/math.ts against exact references
// (test/helpers/exact-math.ts), through the kernels that expose them one value
// at a time: mirrorExp (exp), mirrorLog (log), the row sums of
// mirrorLogPolicyCheck on rows [x, -inf] (the check's short exp) and mirrorKl
// on rows first = [1, 0], second = [r, 0] (phi).
// Both lanes of the SIMD kernels are exercised, and they must agree bit for bit
// with the scalar kernels.
import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { testRng } from "../../../test/helpers/lengths.js";
import { expExact, logExact, phiExact, ulpError } from "../../../test/helpers/exact-math.js";

const MIN_NORMAL = 2.2250738585072014e-308;
/** log of the smallest normal double, rounded: exp flushes below it. */
const X_MIN = -708.3964185322641;

const rng = testRng(77);
const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng();
const logUniform = (lo: number, hi: number): number => Math.exp(uniform(Math.log(lo), Math.log(hi)));

/** The doubles next to x (n steps up and down). */
function around(x: number, n = 2): number[] {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  const out: number[] = [];
  for (let k = -n; k <= n; k++) {
    const c = new BigInt64Array([i[0] + BigInt(k)]);
    out.push(new Float64Array(c.buffer)[0]);
  }
  return out;
}

/** Runs `name` on rows of A = 2 built by `row` from each x and returns one value per x (per row). */
function perRow(
  name: "mirrorLogPolicyCheckSimd" | "mirrorLogPolicyCheckScalar" | "mirrorKlSimd" | "mirrorKlScalar",
  xs: number[],
  first: (x: number, lane: number) => [number, number],
  second: (x: number, lane: number) => [number, number],
): Float64Array {
  const S = xs.length;
  const a = new Float64Array(2 * S);
  const b = new Float64Array(2 * S);
  xs.forEach((x, s) => {
    a.set(first(x, s & 1), 2 * s);
    b.set(second(x, s & 1), 2 * s);
  });
  return scratch((take) => {
    const pa = take(f64Block(2 * S, a));
    const pb = take(f64Block(2 * S, b));
    const o = take(f64Block(S));
    kernels()[name](pa.ptr, pb.ptr, S, 2, o.ptr);
    return o.view.slice();
  });
}

/** exp of each x through the SIMD (or scalar) elementwise exp. */
function expOf(xs: number[], simd: boolean): Float64Array {
  return scratch((take) => {
    const b = take(f64Block(xs.length, Float64Array.from(xs)));
    const o = take(f64Block(xs.length));
    kernels()[simd ? "mirrorExpSimd" : "mirrorExpScalar"](b.ptr, xs.length, o.ptr);
    return o.view.slice();
  });
}

/** The check's short exp of each x through the SIMD (or scalar) log-policy check. */
function checkExpOf(xs: number[], simd: boolean): Float64Array {
  // Row [x, -inf] or [-inf, x]: the row sum is exp(x) + 0 exactly.
  const row = (x: number, lane: number): [number, number] => (lane === 0 ? [x, -Infinity] : [-Infinity, x]);
  return perRow(simd ? "mirrorLogPolicyCheckSimd" : "mirrorLogPolicyCheckScalar", xs, row, () => [0, 0]);
}

function logOf(xs: number[], simd: boolean): Float64Array {
  return scratch((take) => {
    const b = take(f64Block(xs.length, Float64Array.from(xs)));
    const o = take(f64Block(xs.length));
    kernels()[simd ? "mirrorLogSimd" : "mirrorLogScalar"](b.ptr, xs.length, o.ptr);
    return o.view.slice();
  });
}

/** phi(r) through the per-state KL of first = [1, 0], second = [r, 0] (or the lanes swapped). */
function phiOf(rs: number[], simd: boolean): Float64Array {
  const one = (_: number, lane: number): [number, number] => (lane === 0 ? [1, 0] : [0, 1]);
  const r = (x: number, lane: number): [number, number] => (lane === 0 ? [x, 0] : [0, x]);
  return perRow(simd ? "mirrorKlSimd" : "mirrorKlScalar", rs, one, r);
}

function expectBitIdentical(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
}

function worstUlp(xs: number[], ys: Float64Array, exact: (x: number) => ReturnType<typeof expExact>): { ulp: number; x: number } {
  let worst = { ulp: 0, x: NaN };
  xs.forEach((x, i) => {
    const u = ulpError(ys[i], exact(x));
    if (u > worst.ulp) worst = { ulp: u, x };
  });
  return worst;
}

describe("mirror math: exp (x <= 0)", () => {
  const xs: number[] = [0, -0, -1e-300, -5e-324, -Number.EPSILON, X_MIN, ...around(X_MIN, 3).filter((x) => x >= X_MIN)];
  for (let i = 0; i < 1500; i++) xs.push(-uniform(0, -X_MIN));
  for (let i = 0; i < 1500; i++) xs.push(-logUniform(1e-300, -X_MIN));
  // Next to the reduction's breakpoints k ln2 / 128 and their midpoints.
  for (let i = 0; i < 500; i++) for (const x of around((-Math.floor(uniform(0, 130000)) * Math.LN2) / 128 - (i & 1 ? Math.LN2 / 256 : 0), 1)) if (x <= 0 && x >= X_MIN) xs.push(x);

  it("is within 0.52 ulp of exact over [log 2^-1022, 0], SIMD = scalar bit for bit", () => {
    const simd = expOf(xs, true);
    expectBitIdentical(simd, expOf(xs, false));
    const worst = worstUlp(xs, simd, expExact);
    expect(worst.ulp, `at x = ${worst.x}`).toBeLessThan(0.52);
    expect(simd[0]).toBe(1);
    expect(simd[1]).toBe(1);
  });

  it("flushes to 0 below log 2^-1022, and exp(-inf) = 0", () => {
    const low = [...around(X_MIN - 1e-12, 2), -708.4, -745.1332191019412, -745.2, -1000, -1e300, -Number.MAX_VALUE, -Infinity];
    for (const simd of [true, false]) for (const y of expOf(low, simd)) expect(y).toBe(0);
    for (const simd of [true, false]) for (const y of checkExpOf(low, simd)) expect(y).toBe(0);
  });

  it("the check's short exp is within 2.5e-12 relative of exact, SIMD = scalar bit for bit", () => {
    const simd = checkExpOf(xs, true);
    expectBitIdentical(simd, checkExpOf(xs, false));
    let worst = { rel: 0, x: NaN };
    xs.forEach((x, i) => {
      const e = Math.exp(x);
      // Math.exp is within 1 ulp: far below the bound tested.
      const rel = Math.abs(simd[i] - e) / e;
      if (rel > worst.rel) worst = { rel, x };
    });
    expect(worst.rel, `at x = ${worst.x}`).toBeLessThan(2.5e-12);
    // The bound is not loose by orders of magnitude (the r^4/24 term is there to cut).
    expect(worst.rel).toBeGreaterThan(1e-13);
    expect(simd[0]).toBe(1);
    expect(simd[1]).toBe(1);
  });
});

describe("mirror math: log", () => {
  const xs: number[] = [1, 2, 0.5, Number.MAX_VALUE, MIN_NORMAL, 5e-324, 1e-310, Math.E];
  for (let i = 0; i < 1500; i++) xs.push(logUniform(5e-324, Number.MAX_VALUE));
  for (let i = 0; i < 1500; i++) xs.push(1 + (rng() - 0.5) * 2 ** -uniform(0, 52));
  for (let i = 0; i < 500; i++) xs.push(uniform(0.3, 3));
  // Exact powers of two, and their neighbours.
  for (let k = -1074; k <= 1023; k += 7) xs.push(...around(2 ** k, 1).filter((x) => x > 0 && Number.isFinite(x)));
  // The table's interval edges around 1: 1 - 3 2^-9, 1 - 2^-9, 1 + 2^-8, 1 + 3 2^-8.
  for (const edge of [1 - 3 * 2 ** -9, 1 - 2 ** -9, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 0.68359375, 1.3671875]) xs.push(...around(edge, 3));

  it("is within 1.25 ulp of exact over all positive doubles (subnormals included), SIMD = scalar", () => {
    const simd = logOf(xs, true);
    expectBitIdentical(simd, logOf(xs, false));
    const worst = worstUlp(xs, simd, logExact);
    expect(worst.ulp, `at x = ${worst.x}`).toBeLessThan(1.25);
    expect(simd[0]).toBe(0);
  });

  it("has log 0 = -inf and log +inf = +inf, in either lane", () => {
    for (const simd of [true, false]) {
      expect(Array.from(logOf([0, 1, 1, 0, Infinity, 2, 2, Infinity, 0], simd))).toEqual([-Infinity, 0, 0, -Infinity, Infinity, Math.LN2, Math.LN2, Infinity, -Infinity]);
    }
  });
});

describe("mirror math: phi(r) = r - 1 - log r", () => {
  const rs: number[] = [1, 2, 0.5, 1e-300, 1e300, 5e-324, 1e-310, Number.MAX_VALUE / 4];
  for (let i = 0; i < 1500; i++) rs.push(logUniform(1e-300, 1e300));
  for (let i = 0; i < 1500; i++) rs.push(1 + (rng() - 0.5) * 2 ** -uniform(1, 40));
  for (let i = 0; i < 500; i++) rs.push(uniform(0.3, 3));
  for (const edge of [1 - 3 * 2 ** -9, 1 - 2 ** -9, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 0.68359375, 1.3671875, 0.5, 2]) rs.push(...around(edge, 3));

  it("is within 1.5 ulp of exact (no cancellation near r = 1), SIMD = scalar", () => {
    const simd = phiOf(rs, true);
    expectBitIdentical(simd, phiOf(rs, false));
    const worst = worstUlp(rs, simd, phiExact);
    expect(worst.ulp, `at r = ${worst.x}`).toBeLessThan(1.5);
    expect(simd[0]).toBe(0);
  });

  it("is +inf at r = 0", () => {
    for (const simd of [true, false]) expect(Array.from(phiOf([0, 0, 1], simd))).toEqual([Infinity, Infinity, 0]);
  });
});

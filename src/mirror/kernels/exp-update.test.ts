import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../../test/helpers/lengths.js";
import { maxRelDiff, PER_STATE_SHAPES, randomAdvantage, randomPolicy, rowSums } from "../../../test/helpers/mirror.js";
import { expTwin, expUpdateTwin, logPolicyCheckTwin, logTwin } from "./exp-update.twin.js";
import { expUpdate, logOf } from "./exp-update.js";
import { ValidationError } from "../../core/errors.js";

function logOfPolicy(pi: Float64Array): Float64Array {
  return pi.map((p) => Math.log(p));
}

describe("exponential update kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(11);
  it.each(PER_STATE_SHAPES)("S = %i, A = %i", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.2);
    const logPi = logOfPolicy(pi);
    const adv = randomAdvantage(rng, pi, S, A, 3);
    const coef = randomArray(rng, S, 0, 5);
    const out = new Float64Array(S * A);
    const logOut = new Float64Array(S * A);
    expUpdateTwin(logPi, adv, coef, S, A, out, logOut);
    scratch((take) => {
      const l = take(f64Block(S * A, logPi));
      const q = take(f64Block(S * A, adv));
      const c = take(f64Block(S, coef));
      const o = take(f64Block(S * A));
      const lo = take(f64Block(S * A));
      for (const name of ["mirrorExpUpdateSimd", "mirrorExpUpdateScalar"] as const) {
        k[name](l.ptr, q.ptr, c.ptr, S, A, o.ptr, lo.ptr);
        expect(maxRelDiff(o.view, out)).toBeLessThan(1e-14);
        expect(maxRelDiff(lo.view, logOut)).toBeLessThan(1e-14);
      }
    });
  });

  it.each(PER_STATE_SHAPES)("log-policy check kernels, S = %i, A = %i: row sums of exp and max |exp log pi - pi|", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.2);
    // Perturbed logs (some -inf) so that the row sums and the largest gap are not trivial.
    const logPi = logOfPolicy(pi).map((v, i) => (i % 9 === 4 ? -Infinity : Math.min(0, v + (rng() - 0.5) * 1e-6)));
    const sums = new Float64Array(S);
    const worst = logPolicyCheckTwin(logPi, pi, S, A, sums);
    scratch((take) => {
      const l = take(f64Block(S * A, logPi));
      const p = take(f64Block(S * A, pi));
      const o = take(f64Block(S));
      // The kernels' exp is the check's short one (relative error < 2.5e-12, math.test.ts): equal to the
      // Math.exp twin to that bound, to each other bit for bit in the worst gap and to rounding in the sums.
      const scalarWorst = k.mirrorLogPolicyCheckScalar(l.ptr, p.ptr, S, A, o.ptr);
      const scalarSums = o.view.slice();
      expect(Math.abs(scalarWorst - worst)).toBeLessThan(2.5e-12);
      expect(maxRelDiff(scalarSums, sums)).toBeLessThan(2.5e-12);
      const got = k.mirrorLogPolicyCheckSimd(l.ptr, p.ptr, S, A, o.ptr);
      expect(got).toBe(scalarWorst);
      expect(maxRelDiff(o.view, scalarSums)).toBeLessThan(1e-14);
    });
  });

  it("exp kernels agree with Math.exp at every parity length, including -0, -inf and the flush below e^-708.39", () => {
    for (const n of PARITY_LENGTHS) {
      const x = randomArray(rng, n, -40, 0).map((v, i) => (i % 7 === 3 ? -Infinity : i % 11 === 5 ? -0 : i % 13 === 6 ? v * 20 : v));
      const ref = expTwin(x);
      scratch((take) => {
        const b = take(f64Block(n, x));
        const o = take(f64Block(n));
        k.mirrorExpSimd(b.ptr, n, o.ptr);
        const simd = o.view.slice();
        expect(maxRelDiff(simd, ref)).toBeLessThan(1e-15);
        k.mirrorExpScalar(b.ptr, n, o.ptr);
        expect(Array.from(o.view)).toEqual(Array.from(simd));
      });
    }
  });

  it("log kernels agree with Math.log at every parity length, including 0, subnormals and +inf", () => {
    for (const n of PARITY_LENGTHS) {
      const x = randomArray(rng, n, 0, 3).map((v, i) => (i % 7 === 3 ? v * 1e-310 : i % 11 === 5 ? 0 : v * 10 ** (i % 9 - 4)));
      if (n > 2) x[n - 1] = Infinity;
      const ref = logTwin(x);
      scratch((take) => {
        const b = take(f64Block(n, x));
        const o = take(f64Block(n));
        k.mirrorLogSimd(b.ptr, n, o.ptr);
        expect(maxRelDiff(o.view, ref)).toBeLessThan(1e-15);
        k.mirrorLogScalar(b.ptr, n, o.ptr);
        expect(maxRelDiff(o.view, ref)).toBeLessThan(1e-15);
      });
      expect(maxRelDiff(logOf(x), ref)).toBeLessThan(1e-15);
    }
  });
});

describe("expUpdate", () => {
  const k = kernels();
  const rng = testRng(5);

  it("the log-policy stays normalised when the logits are huge (coef A ~ 1e8), in every kernel and the twin", () => {
    const S = 7;
    const A = 5;
    const pi = randomPolicy(rng, S, A, 0.2);
    const logPi = logOfPolicy(pi);
    // Near-ties at the top of each row so that several probabilities stay far from 0 and 1.
    const adv = randomAdvantage(rng, pi, S, A, 1).map((v, i) => (i % A < 2 ? 1 + v * 1e-8 : v));
    const coef = new Float64Array(S).fill(2 ** 27);
    const check = (logOut: ArrayLike<number>): void => {
      for (let s = 0; s < S; s++) {
        let sum = 0;
        for (let a = 0; a < A; a++) sum += Math.exp(logOut[s * A + a]);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-14);
      }
    };
    const out = new Float64Array(S * A);
    const logOut = new Float64Array(S * A);
    expUpdateTwin(logPi, adv, coef, S, A, out, logOut);
    check(logOut);
    scratch((take) => {
      const l = take(f64Block(S * A, logPi));
      const q = take(f64Block(S * A, adv));
      const c = take(f64Block(S, coef));
      const o = take(f64Block(S * A));
      const lo = take(f64Block(S * A));
      for (const name of ["mirrorExpUpdateSimd", "mirrorExpUpdateScalar"] as const) {
        k[name](l.ptr, q.ptr, c.ptr, S, A, o.ptr, lo.ptr);
        check(lo.view);
      }
    });
    check(expUpdate(logPi, adv, coef, S, A).logPolicy);
  });

  it("equals pi exp(coef A) / Z computed directly, rows sum to 1, logs consistent", () => {
    const S = 7;
    const A = 5;
    const pi = randomPolicy(rng, S, A);
    const adv = randomAdvantage(rng, pi, S, A);
    const coef = randomArray(rng, S, 0, 4);
    const { policy, logPolicy } = expUpdate(logOfPolicy(pi), adv, coef, S, A);
    for (let s = 0; s < S; s++) {
      let z = 0;
      for (let a = 0; a < A; a++) z += pi[s * A + a] * Math.exp(coef[s] * adv[s * A + a]);
      for (let a = 0; a < A; a++) {
        const direct = (pi[s * A + a] * Math.exp(coef[s] * adv[s * A + a])) / z;
        expect(Math.abs(policy[s * A + a] - direct)).toBeLessThan(1e-15);
        expect(Math.abs(Math.exp(logPolicy[s * A + a]) - policy[s * A + a])).toBeLessThan(1e-15);
      }
    }
    for (const t of rowSums(policy, S, A)) expect(Math.abs(t - 1)).toBeLessThan(1e-14);
  });

  it("keeps log-probabilities finite where probabilities underflow to 0", () => {
    const logPi = new Float64Array([Math.log(0.5), Math.log(0.5)]);
    const adv = new Float64Array([1, -1]);
    const { policy, logPolicy } = expUpdate(logPi, adv, new Float64Array([1000]), 1, 2);
    expect(policy[1]).toBe(0);
    expect(logPolicy[1]).toBeCloseTo(-2000, 9);
    expect(logPolicy[0]).toBe(0);
  });

  it("keeps -inf entries (actions outside the support) at -inf", () => {
    const logPi = new Float64Array([-Infinity, Math.log(0.25), Math.log(0.75)]);
    const { policy, logPolicy } = expUpdate(logPi, new Float64Array([5, 0, 0]), new Float64Array([2]), 1, 3);
    expect(policy[0]).toBe(0);
    expect(logPolicy[0]).toBe(-Infinity);
    expect(policy[1]).toBeCloseTo(0.25, 15);
  });

  it("rejects bad input with ValidationError", () => {
    const logPi = new Float64Array([0, -Infinity]);
    expect(() => expUpdate(logPi, new Float64Array([NaN, 0]), new Float64Array([1]), 1, 2)).toThrow(ValidationError);
    expect(() => expUpdate(logPi, new Float64Array([0, 0]), new Float64Array([Infinity]), 1, 2)).toThrow(ValidationError);
    expect(() => expUpdate(new Float64Array([-Infinity, -Infinity]), new Float64Array(2), new Float64Array(1), 1, 2)).toThrow(
      ValidationError,
    );
    expect(() => expUpdate(logPi, new Float64Array(3), new Float64Array(1), 1, 2)).toThrow(ValidationError);
  });
});

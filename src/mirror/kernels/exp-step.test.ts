/**
 * The whole exponential step in one WebAssembly scope (expStepUnchecked) and the log-policy
 * check (logPolicyCheckUnchecked) call their kernels in chunks of states on large tables: the
 * numbers must be those of one kernel call over all states.
 */
import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { CHUNK_STATES } from "../../core/chunks.js";
import { testRng } from "../../../test/helpers/lengths.js";
import { randomAdvantage, randomPolicy, randomCoefficients } from "../../../test/helpers/mirror.js";
import { expStepUnchecked, logPolicyCheckUnchecked } from "./exp-update.js";

const same = (x: ArrayLike<number>, y: ArrayLike<number>): boolean =>
  x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => Object.is(v, y[i]));

/** One call of each kernel over all S states: the reference. */
function reference(pi: Float64Array, logPi: Float64Array | undefined, adv: Float64Array, coef: Float64Array, S: number, A: number) {
  const n = S * A;
  const k = kernels();
  return scratch((take) => {
    const l = take(f64Block(n, logPi ?? pi));
    if (!logPi) k.mirrorLogSimd(l.ptr, n, l.ptr);
    const q = take(f64Block(n, adv));
    const c = take(f64Block(S, coef));
    const o = take(f64Block(n));
    const lo = take(f64Block(n));
    k.mirrorExpUpdateSimd(l.ptr, q.ptr, c.ptr, S, A, o.ptr, lo.ptr);
    const p = take(f64Block(n, pi));
    const kl = take(f64Block(S));
    k.mirrorKlSimd(o.ptr, p.ptr, S, A, kl.ptr);
    const rowSum = take(f64Block(S));
    const worst = k.mirrorLogPolicyCheckSimd(lo.ptr, o.ptr, S, A, rowSum.ptr);
    return { policy: o.toArray(), logPolicy: lo.toArray(), kl: kl.toArray(), worst, rowSum: rowSum.toArray() };
  });
}

describe("expStepUnchecked and logPolicyCheckUnchecked on more states than one chunk", () => {
  const S = CHUNK_STATES + 1234;
  const A = 3;
  const rng = testRng(31);
  const pi = randomPolicy(rng, S, A, 0.2);
  const adv = randomAdvantage(rng, pi, S, A, 4);
  const coef = randomCoefficients(rng, S);

  for (const withLog of [false, true]) {
    it(`the numbers of one kernel call (${withLog ? "log pi given" : "log pi taken here"})`, () => {
      const logPi = withLog ? pi.map(Math.log) : undefined;
      const ref = reference(pi, logPi, adv, coef, S, A);
      const r = expStepUnchecked(pi, logPi, adv, S, A, (c) => c.set(coef), () => {});
      expect(same(r.policy, ref.policy)).toBe(true);
      expect(same(r.logPolicy, ref.logPolicy)).toBe(true);
      expect(same(r.kl, ref.kl)).toBe(true);
      // The check of the new log-policy against the new policy: the same worst entry, every row sum 1.
      const check = logPolicyCheckUnchecked(r.logPolicy, r.policy, S, A);
      expect(Object.is(check.worst, ref.worst)).toBe(true);
      expect(check.badRow).toBe(ref.rowSum.findIndex((v) => !(Math.abs(v - 1) <= 1e-9)));
    });
  }

  it("the log-policy check names the first bad row past the first chunk", () => {
    const logPi = pi.map(Math.log);
    const bad = CHUNK_STATES + 7;
    const at = [0, 1, 2].map((a) => bad * A + a).find((i) => pi[i] > 0)!;
    logPi[at] = Math.log(pi[at] * 1.5);
    const check = logPolicyCheckUnchecked(logPi, pi, S, A);
    expect(check.badRow).toBe(bad);
    expect(check.worst).toBeCloseTo(0.5 * pi[at], 12);
  });
});

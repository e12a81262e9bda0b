import { describe, expect, it } from "vitest";
import { testRng } from "../../test/helpers/lengths.js";
import { chiSquaredDrift, randomAdvantage, randomPolicy } from "../../test/helpers/mirror.js";
import {
  type Drift,
  checkDrift,
  clipDrift,
  customDrift,
  forwardKlDrift,
  reverseKlDrift,
  squaredL2Drift,
  squaredTvDrift,
  zeroDrift,
} from "./drifts.js";
import { ValidationError } from "../core/errors.js";

const rng = testRng(71);

const DRIFTS: Drift[] = [
  zeroDrift(),
  forwardKlDrift(2),
  reverseKlDrift(0.5),
  squaredTvDrift(3),
  squaredL2Drift(1.5),
  clipDrift(0.2),
  clipDrift(0.1, 2.5),
  chiSquaredDrift(), // a user drift
];

describe.each(DRIFTS.map((d) => [d.name, d] as const))("drift %s", (_name, drift) => {
  const S = 3;
  const A = 5;

  it("is zero with zero gradient at pi_old, zero directional derivative, and non-negative", () => {
    for (let trial = 0; trial < 20; trial++) {
      const piOld = randomPolicy(rng, S, A);
      const adv = randomAdvantage(rng, piOld, S, A);
      const s = trial % S;
      const g = new Float64Array(S * A).fill(NaN);
      drift.gradient(piOld, piOld, s, A, g, adv);
      for (let a = 0; a < A; a++) expect(g[s * A + a]).toBe(0);
      const check = checkDrift(drift, piOld, s, A, rng, { adv });
      expect(check.valueAtOld).toBe(0);
      expect(check.slopeAtOld).toBeLessThan(1e-4);
      expect(check.minValue).toBeGreaterThanOrEqual(0);
    }
  });

  it("has a gradient matching central finite differences at random points", () => {
    for (let trial = 0; trial < 20; trial++) {
      const piOld = randomPolicy(rng, 1, A);
      const p = randomPolicy(rng, 1, A);
      const adv = randomAdvantage(rng, piOld, 1, A);
      const g = new Float64Array(A);
      drift.gradient(piOld, p, 0, A, g, adv);
      const h = 1e-6;
      for (let a = 0; a < A; a++) {
        const up = p.slice();
        const down = p.slice();
        up[a] += h;
        down[a] -= h;
        const fd = (drift.value(piOld, up, 0, A, adv) - drift.value(piOld, down, 0, A, adv)) / (2 * h);
        expect(Math.abs(fd - g[a])).toBeLessThan(1e-6 * Math.max(1, Math.abs(g[a])));
      }
    }
  });

  it("has an unbiased per-sample estimator (exact expectation over a ~ pi_old) with the right derivative", () => {
    if (!drift.sampleEstimate) return;
    for (let trial = 0; trial < 20; trial++) {
      const piOld = randomPolicy(rng, 1, A);
      const p = randomPolicy(rng, 1, A);
      const adv = randomAdvantage(rng, piOld, 1, A);
      let expectation = 0;
      for (let a = 0; a < A; a++) expectation += piOld[a] * drift.sampleEstimate(Math.log(piOld[a]), Math.log(p[a]), adv[a]);
      const value = drift.value(piOld, p, 0, A, adv);
      expect(Math.abs(expectation - value)).toBeLessThan(1e-12 * Math.max(1, value));
      if (!drift.sampleGradient) continue;
      for (let a = 0; a < A; a++) {
        const lo = Math.log(piOld[a]);
        const ln = Math.log(p[a]);
        const h = 1e-6;
        const fd = (drift.sampleEstimate(lo, ln + h, adv[a]) - drift.sampleEstimate(lo, ln - h, adv[a])) / (2 * h);
        expect(Math.abs(fd - drift.sampleGradient(lo, ln, adv[a]))).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

describe("drift definitions", () => {
  it("forward and reverse KL are the two orders of the KL divergence", () => {
    const q = new Float64Array([0.2, 0.3, 0.5]);
    const p = new Float64Array([0.5, 0.25, 0.25]);
    let kqp = 0;
    let kpq = 0;
    for (let a = 0; a < 3; a++) {
      kqp += q[a] * Math.log(q[a] / p[a]);
      kpq += p[a] * Math.log(p[a] / q[a]);
    }
    expect(forwardKlDrift(3).value(q, p, 0, 3)).toBeCloseTo(3 * kqp, 14);
    expect(reverseKlDrift(4).value(q, p, 0, 3)).toBeCloseTo(kpq / 4, 14);
    expect(squaredTvDrift(2).value(q, p, 0, 3)).toBeCloseTo(2 * 0.3 ** 2, 14);
    expect(squaredL2Drift(2).value(q, p, 0, 3)).toBeCloseTo(2 * (0.09 + 0.0025 + 0.0625), 14);
  });

  it("clip drift is E_{a~pi_old}[ReLU((r - clip(r)) A)] and zero while ratios stay in range", () => {
    const q = new Float64Array([0.5, 0.5]);
    const adv = new Float64Array([1, -1]);
    const d = clipDrift(0.2);
    expect(d.value(q, new Float64Array([0.55, 0.45]), 0, 2, adv)).toBe(0);
    // r = (1.4, 0.6): 0.5 * (1.4 - 1.2) * 1 + 0.5 * (0.6 - 0.8) * (-1) = 0.2
    expect(d.value(q, new Float64Array([0.7, 0.3]), 0, 2, adv)).toBeCloseTo(0.2, 15);
    // Moving against the advantage costs nothing (the clip only stops over-exploitation).
    expect(d.value(q, new Float64Array([0.1, 0.9]), 0, 2, adv)).toBe(0);
    expect(() => d.value(q, q, 0, 2)).toThrow(ValidationError);
  });

  it("rejects bad parameters", () => {
    expect(() => forwardKlDrift(-1)).toThrow(ValidationError);
    expect(() => reverseKlDrift(0)).toThrow(ValidationError);
    expect(() => reverseKlDrift(Infinity)).toThrow(ValidationError);
    expect(() => squaredTvDrift(NaN)).toThrow(ValidationError);
    expect(() => clipDrift(0)).toThrow(ValidationError);
    expect(() => customDrift({ value: 1 } as never)).toThrow(ValidationError);
  });
});

import { describe, expect, it } from "vitest";
import { testRng } from "../../test/helpers/lengths.js";
import { chiSquaredDrift, randomAdvantage, randomPolicy } from "../../test/helpers/mirror.js";
import {
  type Drift,
  checkDrift,
  clipDrift,
  resolveDrift,
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

describe.each(DRIFTS.map((d) => [d.name, d] as const))("drift %s: the ratio-form estimators of the sample-based losses", (_name, drift) => {
  const A = 4;
  it("sample: unbiased over a ~ pi_old (exact expectation), zero at r = 1, derivative in r", () => {
    const est = drift.sample;
    if (!est) {
      expect(drift.kind === "squaredTv" || drift.kind === "custom").toBe(true);
      return;
    }
    expect(est.unbiased).toBe(true);
    for (let trial = 0; trial < 20; trial++) {
      const piOld = randomPolicy(rng, 1, A);
      const p = randomPolicy(rng, 1, A);
      const adv = randomAdvantage(rng, piOld, 1, A);
      let expectation = 0;
      for (let a = 0; a < A; a++) expectation += piOld[a] * est.value(p[a] / piOld[a], adv[a], piOld[a]);
      const value = drift.value(piOld, p, 0, A, adv);
      expect(Math.abs(expectation - value)).toBeLessThan(1e-12 * Math.max(1, value));
      for (let a = 0; a < A; a++) {
        expect(est.value(1, adv[a], piOld[a])).toBe(0);
        expect(est.derivative(1, adv[a], piOld[a])).toBe(0);
        const r = p[a] / piOld[a];
        const h = 1e-6 * Math.max(1, r);
        const fd = (est.value(r + h, adv[a], piOld[a]) - est.value(r - h, adv[a], piOld[a])) / (2 * h);
        expect(Math.abs(fd - est.derivative(r, adv[a], piOld[a]))).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        // The log-space form is the same estimator.
        if (drift.sampleEstimate) {
          const lo = Math.log(piOld[a]);
          const ln = Math.log(p[a]);
          expect(Math.abs(drift.sampleEstimate(lo, ln, adv[a]) - est.value(r, adv[a], piOld[a]))).toBeLessThan(1e-12);
          expect(Math.abs(drift.sampleGradient!(lo, ln, adv[a]) - r * est.derivative(r, adv[a], piOld[a]))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it("batch: unbiased from n >= 2 independent samples of one state (exact expectation over all n-tuples)", () => {
    const est = drift.batch;
    if (!est) return;
    for (const n of [2, 3]) {
      const piOld = randomPolicy(rng, 1, A);
      const p = randomPolicy(rng, 1, A);
      const adv = randomAdvantage(rng, piOld, 1, A);
      let expectation = 0;
      const idx = new Array(n).fill(0);
      for (let k = 0; k < A ** n; k++) {
        let rest = k;
        let prob = 1;
        for (let i = 0; i < n; i++) {
          idx[i] = rest % A;
          rest = Math.floor(rest / A);
          prob *= piOld[idx[i]];
        }
        const ratios = idx.map((a) => p[a] / piOld[a]);
        expectation += prob * est.value(ratios, idx.map((a) => adv[a]), idx.map((a) => piOld[a]));
        const g = new Float64Array(n);
        est.gradient(ratios, idx.map((a) => adv[a]), idx.map((a) => piOld[a]), g);
        for (let i = 0; i < n; i++) {
          const up = ratios.slice();
          const down = ratios.slice();
          up[i] += 1e-6;
          down[i] -= 1e-6;
          const fd = (est.value(up, [], []) - est.value(down, [], [])) / 2e-6;
          expect(Math.abs(fd - g[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
        }
      }
      const value = drift.value(piOld, p, 0, A, adv);
      expect(Math.abs(expectation - value)).toBeLessThan(1e-12 * Math.max(1, value));
    }
    expect(() => est.value([1.2], [0], [0.5])).toThrow(ValidationError);
  });
});

describe("drifts as plain data", () => {
  it("a structured clone keeps a built-in drift's fields and loses its methods; resolveDrift rebuilds it", () => {
    for (const drift of DRIFTS.slice(0, 7)) {
      const clone = structuredClone(drift) as unknown as Record<string, unknown>;
      expect(clone.kind).toBe(drift.kind);
      expect(clone.coefficient).toBe(drift.coefficient);
      expect(clone.value).toBeUndefined();
      const back = resolveDrift(clone);
      expect(back.name).toBe(drift.name);
      expect(back.coefficient).toBe(drift.coefficient);
      expect(back.epsilon).toBe(drift.epsilon);
    }
  });

  it("factories' drifts are frozen: their checked parameters cannot change afterwards", () => {
    const d = forwardKlDrift(2) as { coefficient: number };
    expect(Object.isFrozen(d)).toBe(true);
    expect(() => {
      d.coefficient = -1;
    }).toThrow(TypeError);
    expect(d.coefficient).toBe(2);
  });

  it("resolveDrift names the field of a bad parameter", () => {
    expect(() => resolveDrift({ kind: "reverseKl", coefficient: 0 })).toThrow(/drift\.coefficient.*got 0/);
    expect(() => resolveDrift({ kind: "squaredL2", coefficient: Infinity })).toThrow(/drift\.coefficient.*Infinity/);
    expect(() => resolveDrift({ kind: "clip", epsilon: NaN })).toThrow(/drift\.epsilon.*NaN/);
    expect(() => resolveDrift({ kind: "nope" })).toThrow(/drift\.kind/);
    expect(() => resolveDrift(7)).toThrow(ValidationError);
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

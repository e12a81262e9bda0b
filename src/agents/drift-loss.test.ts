import { describe, expect, it } from "vitest";
import {
  clipDrift, customDrift, forwardKlDrift, reverseKlDrift, squaredL2Drift, squaredTvDrift, zeroDrift, type Drift,
} from "../mirror/index.js";
import { f32Block, f64Block, scratch } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { PARITY_LENGTHS, testRng } from "../../test/helpers/lengths.js";
import { DRIFT_LOSS_KERNEL_KINDS, driftKernelLossInto, driftLoss, driftLossPath } from "./drift-loss.js";
import { driftLossTwin } from "./drift-loss.twin.js";
import { ppoClipLoss } from "./ppo-loss.js";

const f = Math.fround;

/** Rows with log-ratios from tiny (|l| ~ 1e-4, where the drifts are O(l^2)) to large (|l| ~ 2.5), advantages of both signs. */
function rows(n: number, seed: number) {
  const rng = testRng(seed);
  const logpOld = Float32Array.from({ length: n }, () => f(-0.05 - 2.5 * rng()));
  const scale = [1e-4, 0.03, 0.4, 2.5];
  const logpNew = Float32Array.from(logpOld, (v, i) => f(v + (rng() - 0.5) * 2 * scale[i % 4]));
  const adv = Float32Array.from({ length: n }, () => f((rng() - 0.45) * 4));
  const weights = Float32Array.from({ length: n }, () => f(2 * rng()));
  return { logpOld, logpNew, adv, weights };
}

const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer, v.byteOffset, v.length));

/** The built-in drifts the kernel takes, with their codes. */
const KERNEL_DRIFTS: readonly (readonly [string, Drift])[] = [
  ["zero", zeroDrift()], ["forwardKl", forwardKlDrift(1.7)], ["reverseKl", reverseKlDrift(0.4)], ["squaredL2", squaredL2Drift(2.3)],
];

describe("drift-loss kernel: SIMD = scalar (bits) = TypeScript twin", () => {
  for (const [name, drift] of KERNEL_DRIFTS) {
    for (const weighted of [false, true]) {
      it(`${name}${weighted ? ", weighted" : ""}, rows 1..130`, () => {
        const code = DRIFT_LOSS_KERNEL_KINDS[drift.kind]!;
        const C = f(drift.coefficient);
        for (const n of PARITY_LENGTHS) {
          if (n === 0) continue;
          const { logpOld, logpNew, adv, weights } = rows(n, n + 7);
          const w = weighted ? weights : undefined;
          const out = [true, false].map((simd) => scratch((take) => {
            const g = take(f32Block(n));
            const stats = take(f64Block(4));
            const s = driftKernelLossInto(code, C, take(f32Block(n, logpOld)), take(f32Block(n, logpNew)), take(f32Block(n, adv)),
              w ? take(f32Block(n, w)) : undefined, g, n, stats, simd);
            return { s, g: g.toArray(), raw: stats.toArray() };
          }));
          expect(bits(out[0].g), `n = ${n}`).toEqual(bits(out[1].g));
          expect(Array.from(out[0].raw)).toEqual(Array.from(out[1].raw));
          const twin = driftLossTwin(code, C, logpOld, logpNew, adv, w);
          for (let i = 0; i < n; i++) {
            expect(Math.abs(out[0].g[i] - twin.gLogp[i]), `row ${i} of ${n}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(twin.gLogp[i]) * n) / n);
          }
          const rel = (a: number, b: number, scale: number) => Math.abs(a - b) / Math.max(scale, 1e-30);
          // The objective may cancel: its error is relative to the sum of the magnitudes of its terms.
          let magnitude = twin.drift;
          for (let i = 0; i < n; i++) magnitude += Math.abs(Math.exp(logpNew[i] - logpOld[i]) * adv[i]);
          expect(rel(-out[0].s.policyLoss * n, twin.objective, magnitude)).toBeLessThan(2e-6);
          // Drift values keep their relative precision even where they are O(l^2) (no cancellation near r = 1).
          expect(rel(out[0].s.drift * n, twin.drift, Math.abs(twin.drift))).toBeLessThan(2e-5);
          expect(rel(out[0].s.approxKl * n, twin.kl, Math.abs(twin.kl))).toBeLessThan(2e-5);
        }
      });
    }
  }

  it("keeps the relative precision of tiny drifts: one row at l = 1e-4", () => {
    for (const [, drift] of KERNEL_DRIFTS.slice(1)) {
      const out = driftLoss(drift, [-1], [f(-1 + 1e-4)], [0.5]);
      const l = f(-1 + 1e-4) + 1;
      const twin = driftLossTwin(DRIFT_LOSS_KERNEL_KINDS[drift.kind]!, drift.coefficient, [-1], [f(-1 + 1e-4)], [0.5]);
      expect(Math.abs(out.drift - twin.drift) / twin.drift, drift.name).toBeLessThan(1e-5);
      expect(twin.drift).toBeGreaterThan(0);
      expect(twin.drift).toBeLessThan(10 * l * l);
    }
  });
});

describe("the loss is the surrogate minus the drift's own per-sample estimate", () => {
  for (const [name, drift] of [...KERNEL_DRIFTS, ["clip", clipDrift(0.2)] as const]) {
    it(`${name}: per row, against drift.sampleEstimate and sampleGradient`, () => {
      const n = 97;
      const { logpOld, logpNew, adv } = rows(n, 41);
      const out = driftLoss(drift, logpOld, logpNew, adv);
      let obj = 0, d = 0, kl = 0;
      for (let i = 0; i < n; i++) {
        const r = Math.exp(logpNew[i] - logpOld[i]);
        const est = drift.sampleEstimate!(logpOld[i], logpNew[i], adv[i]);
        obj += r * adv[i] - est;
        d += est;
        kl += Math.expm1(logpNew[i] - logpOld[i]) - (logpNew[i] - logpOld[i]);
        const g = -(r * adv[i] - drift.sampleGradient!(logpOld[i], logpNew[i], adv[i])) / n;
        expect(Math.abs(out.gLogp[i] - g), `row ${i}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(g) * n) / n * 5);
      }
      expect(out.policyLoss).toBeCloseTo(-obj / n, 5);
      expect(out.drift).toBeCloseTo(d / n, 5);
      expect(out.approxKl).toBeCloseTo(kl / n, 5);
    });
  }

  it("the gradient matches central differences of the objective (reverse KL, weighted)", () => {
    const drift = reverseKlDrift(0.5);
    const n = 24;
    const { logpOld, logpNew, adv, weights } = rows(n, 5);
    const { gLogp } = driftLoss(drift, logpOld, logpNew, adv, weights);
    const h = 1e-5;
    for (let i = 0; i < n; i++) {
      const L = (x: number) => -(Math.exp(x - logpOld[i]) * adv[i] - weights[i] * drift.sampleEstimate!(logpOld[i], x, adv[i])) / n;
      const fd = (L(logpNew[i] + h) - L(logpNew[i] - h)) / (2 * h);
      expect(gLogp[i]).toBeCloseTo(fd, 5);
    }
  });

  it("a drift's estimator path (per row, TypeScript) agrees with its kernel", () => {
    const n = 53;
    const { logpOld, logpNew, adv, weights } = rows(n, 9);
    for (const [, drift] of KERNEL_DRIFTS.slice(1)) {
      // The same estimator in a custom drift goes through the TypeScript path.
      const custom = customDrift({ value: drift.value.bind(drift), gradient: drift.gradient.bind(drift), sample: drift.sample });
      expect(driftLossPath(custom).path).toBe("estimator");
      const a = driftLoss(drift, logpOld, logpNew, adv, weights);
      const b = driftLoss(custom, logpOld, logpNew, adv, weights);
      expect(b.policyLoss).toBeCloseTo(a.policyLoss, 5);
      expect(b.drift).toBeCloseTo(a.drift, 5);
      expect(b.approxKl).toBeCloseTo(a.approxKl, 5);
      for (let i = 0; i < n; i++) expect(Math.abs(b.gLogp[i] - a.gLogp[i])).toBeLessThan(1e-6);
    }
  });

  it("the clip drift: PPO's kernel unweighted (the same bits as ppoClipLoss), the estimator with weights or a scale", () => {
    const n = 64;
    const { logpOld, logpNew, adv, weights } = rows(n, 3);
    const drift = clipDrift(0.2);
    expect(driftLossPath(drift)).toEqual({ path: "clip", epsilon: 0.2 });
    const a = driftLoss(drift, logpOld, logpNew, adv);
    const ppo = ppoClipLoss(drift, logpOld, logpNew, adv);
    expect(bits(a.gLogp)).toEqual(bits(ppo.gLogp));
    expect(a.clipFraction).toBe(ppo.clipFraction);
    expect(driftLossPath(drift, "drift", true).path).toBe("estimator");
    expect(driftLossPath(clipDrift(0.2, 2)).path).toBe("estimator");
    const unit = driftLoss(drift, logpOld, logpNew, adv, new Float32Array(n).fill(1));
    expect(unit.policyLoss).toBeCloseTo(a.policyLoss, 6);
    expect(unit.clipFraction).toBe(a.clipFraction);
    const doubled = driftLoss(clipDrift(0.2, 2), logpOld, logpNew, adv);
    const twice = driftLoss(drift, logpOld, logpNew, adv, new Float32Array(n).fill(2));
    expect(doubled.drift).toBeCloseTo(twice.drift, 6);
    expect(doubled.drift).toBeCloseTo(2 * a.drift, 6);
  });
});

describe("drifts without a per-sample estimator, and bad estimates", () => {
  it("squared TV and a custom drift without `sample` are rejected, naming the field", () => {
    expect(() => driftLossPath(squaredTvDrift(1))).toThrow(/^drift: the squared-TV drift has no per-sample estimator/);
    const bare = customDrift({ value: () => 0, gradient: () => {} });
    expect(() => driftLossPath(bare, "drift")).toThrow(/^drift: has no per-sample estimator: give customDrift a `sample/);
    expect(() => driftLossPath(reverseKlDrift(1e-320))).toThrow(/^drift.coefficient: .*eta is too small/);
  });

  it("a custom estimator returning NaN at a finite ratio is a ValidationError naming it", () => {
    const bad = customDrift({
      name: "bad", value: () => 0, gradient: () => {},
      sample: { unbiased: true, value: (r) => (r > 1 ? NaN : 0), derivative: () => 0 },
    });
    let error: unknown;
    try {
      driftLoss(bad, [-1, -1], [-1, -0.5], [1, 1]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("drift.sample.value");
  });

  it("checks lengths", () => {
    expect(() => driftLoss(forwardKlDrift(1), [0, 0], [0], [1, 1])).toThrow(/^logpNew: must hold 2 values/);
    expect(() => driftLoss(forwardKlDrift(1), [0], [0], [1], [1, 2])).toThrow(/^weights: must hold 1 values/);
  });
});

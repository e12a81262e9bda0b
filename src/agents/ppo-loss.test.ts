import { describe, expect, it } from "vitest";
import { clipDrift, forwardKlDrift } from "../mirror/index.js";
import { ppoClipLoss } from "./ppo-loss.js";
import { ValidationError } from "../core/errors.js";
import { testRng } from "../../test/helpers/lengths.js";

const f = Math.fround;

/** Rows with ratios on both sides of the clip and advantages of both signs. */
function rows(n: number, seed: number) {
  const rng = testRng(seed);
  const logpOld = Float32Array.from({ length: n }, () => f(-0.2 - 2 * rng()));
  const logpNew = Float32Array.from(logpOld, (v) => f(v + (rng() - 0.5) * 0.9));
  const adv = Float32Array.from({ length: n }, () => f((rng() - 0.45) * 4));
  return { logpOld, logpNew, adv };
}

describe("PPO's policy loss is the Mirror Learning surrogate minus the clip drift", () => {
  for (const eps of [0.1, 0.2, 0.3]) {
    it(`per sample and in aggregate (eps ${eps}), against SB3's min formula`, () => {
      const n = 301;
      const { logpOld, logpNew, adv } = rows(n, Math.round(eps * 100));
      const drift = clipDrift(eps);
      const out = ppoClipLoss(drift, logpOld, logpNew, adv);
      let sb3 = 0, mirror = 0, clipped = 0, kl = 0, driftSum = 0;
      for (let i = 0; i < n; i++) {
        const r = Math.exp(logpNew[i] - logpOld[i]);
        const a = adv[i];
        const sb3i = Math.min(r * a, Math.min(Math.max(r, 1 - eps), 1 + eps) * a);
        const d = drift.sampleEstimate!(logpOld[i], logpNew[i], a);
        const mirrori = r * a - d;
        expect(mirrori).toBeCloseTo(sb3i, 12); // the identity, sample by sample
        sb3 += sb3i; mirror += mirrori; driftSum += d;
        if (Math.abs(r - 1) > eps) clipped++;
        kl += r - 1 - Math.log(r);
        // Gradient in log pi_new: the surrogate's r A minus the drift's derivative.
        const grad = -(r * a - drift.sampleGradient!(logpOld[i], logpNew[i], a)) / n;
        expect(out.gLogp[i]).toBeCloseTo(grad, 6);
      }
      expect(out.policyLoss).toBeCloseTo(-sb3 / n, 12);
      expect(out.policyLoss).toBeCloseTo(-mirror / n, 12);
      expect(out.drift).toBeCloseTo(driftSum / n, 12);
      expect(driftSum).toBeGreaterThan(0); // the drift is active on some rows
      expect(out.clipFraction).toBe(clipped / n);
      expect(out.approxKl).toBeCloseTo(kl / n, 12);
    });
  }

  it("the gradient matches central differences of the objective in log pi_new", () => {
    const { logpOld, logpNew, adv } = rows(40, 77);
    const drift = clipDrift(0.2);
    const { gLogp } = ppoClipLoss(drift, logpOld, logpNew, adv);
    const h = 1e-6;
    for (let i = 0; i < 40; i++) {
      const L = (x: number) => -(Math.exp(x - logpOld[i]) * adv[i] - drift.sampleEstimate!(logpOld[i], x, adv[i])) / 40;
      const fd = (L(logpNew[i] + h) - L(logpNew[i] - h)) / (2 * h);
      expect(gLogp[i]).toBeCloseTo(fd, 5);
    }
  });

  it("needs a clip drift with scale 1", () => {
    expect(() => ppoClipLoss(forwardKlDrift(1), [0], [0], [1])).toThrow(ValidationError);
    expect(() => ppoClipLoss(clipDrift(0.2, 2), [0], [0], [1])).toThrow(/scale 1/);
    expect(() => ppoClipLoss(clipDrift(0.2), [0, 1], [0], [1, 1])).toThrow(/logpNew/);
  });
});

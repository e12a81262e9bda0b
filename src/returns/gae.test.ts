import { describe, expect, it } from "vitest";
import { generalizedAdvantageEstimation, type GaeInput } from "./gae.js";
import { gaeTwin } from "./gae.twin.js";
import { ValidationError } from "../core/errors.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";

/** A random rollout of nSteps x numEnvs with episode ends of both kinds. */
function rollout(nSteps: number, numEnvs: number, seed: number, pEnd = 0.15): GaeInput {
  const rng = testRng(seed);
  const n = nSteps * numEnvs;
  const terminated = new Uint8Array(n);
  const truncated = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng();
    if (u < pEnd / 2) terminated[i] = 1;
    else if (u < pEnd) truncated[i] = 1;
    else if (u < pEnd * 1.2) terminated[i] = truncated[i] = 1;
  }
  return {
    rewards: randomArray(rng, n, -1, 2), values: randomArray(rng, n, -3, 3), lastValues: randomArray(rng, numEnvs, -3, 3),
    terminated, truncated, finalValues: randomArray(rng, n, -3, 3), numEnvs, gamma: 0.97, lambda: 0.9,
  };
}

/** Discounted Monte-Carlo return from each step to its episode's end (bootstrapping where the rollout or a truncation cuts it). */
function monteCarlo(x: GaeInput): Float64Array {
  const n = x.rewards.length;
  const E = x.numEnvs;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let g = 0;
    let disc = 1;
    for (let j = i; ; j += E) {
      g += disc * x.rewards[j];
      disc *= x.gamma;
      if (x.terminated[j]) break;
      if (x.truncated[j]) { g += disc * x.finalValues![j]; break; }
      if (j + E >= n) { g += disc * x.lastValues[j % E]; break; }
    }
    out[i] = g;
  }
  return out;
}

describe("generalizedAdvantageEstimation", () => {
  it("SIMD = scalar = TypeScript twin over many shapes", () => {
    for (const numEnvs of [1, 2, 3, 4, 5, 8, 17]) {
      for (const nSteps of PARITY_LENGTHS.filter((l) => l > 0 && l < 40)) {
        const x = rollout(nSteps, numEnvs, nSteps * 31 + numEnvs);
        const simd = generalizedAdvantageEstimation(x);
        const scalar = generalizedAdvantageEstimation({ ...x, kernel: "scalar" });
        const twin = gaeTwin(x);
        expect(Array.from(simd.advantages)).toEqual(Array.from(scalar.advantages));
        expect(Array.from(simd.returns)).toEqual(Array.from(scalar.returns));
        for (let i = 0; i < twin.advantages.length; i++) {
          expect(simd.advantages[i]).toBeCloseTo(twin.advantages[i], 12);
        }
      }
    }
  });

  it("lambda = 1: advantages are Monte-Carlo returns minus values (rlax identity)", () => {
    const x = { ...rollout(40, 3, 5), lambda: 1 };
    const { advantages, returns } = generalizedAdvantageEstimation(x);
    const mc = monteCarlo(x);
    for (let i = 0; i < mc.length; i++) {
      expect(advantages[i]).toBeCloseTo(mc[i] - x.values[i], 10);
      expect(returns[i]).toBeCloseTo(mc[i], 10);
    }
  });

  it("lambda = 0: advantages are one-step TD errors", () => {
    const x = { ...rollout(25, 4, 9), lambda: 0 };
    const { advantages } = generalizedAdvantageEstimation(x);
    const E = x.numEnvs;
    for (let i = 0; i < advantages.length; i++) {
      let next: number;
      if (x.terminated[i]) next = 0;
      else if (x.truncated[i]) next = x.finalValues![i];
      else next = i + E < advantages.length ? x.values[i + E] : x.lastValues[i % E];
      expect(advantages[i]).toBeCloseTo(x.rewards[i] + x.gamma * next - x.values[i], 12);
    }
  });

  it("bootstraps from V(final obs) on truncation and not on termination", () => {
    const base: GaeInput = {
      rewards: [1, 1], values: [0.5, 0.25], lastValues: [7], terminated: [0, 0], truncated: [0, 0],
      finalValues: [0, 10], numEnvs: 1, gamma: 0.9, lambda: 0.8,
    };
    const trunc = generalizedAdvantageEstimation({ ...base, truncated: [0, 1] });
    const term = generalizedAdvantageEstimation({ ...base, terminated: [0, 1] });
    const both = generalizedAdvantageEstimation({ ...base, terminated: [0, 1], truncated: [0, 1] });
    // Last step: truncation bootstraps 0.9 * 10 (not lastValues 7, which belongs to the next episode).
    expect(trunc.advantages[1]).toBeCloseTo(1 + 0.9 * 10 - 0.25, 12);
    expect(term.advantages[1]).toBeCloseTo(1 - 0.25, 12);
    expect(both.advantages[1]).toBe(term.advantages[1]);
    // First step: same episode, so the trace continues into the second step.
    const d0 = 1 + 0.9 * 0.25 - 0.5;
    expect(trunc.advantages[0]).toBeCloseTo(d0 + 0.9 * 0.8 * trunc.advantages[1], 12);
    expect(term.advantages[0]).toBeCloseTo(d0 + 0.9 * 0.8 * term.advantages[1], 12);
    expect(trunc.advantages[0]).not.toBeCloseTo(term.advantages[0], 3);
  });

  it("rejects bad input with ValidationErrors", () => {
    const x = rollout(4, 2, 1);
    expect(() => generalizedAdvantageEstimation({ ...x, gamma: 1.5 })).toThrow(ValidationError);
    expect(() => generalizedAdvantageEstimation({ ...x, lambda: -0.1 })).toThrow(/lambda/);
    expect(() => generalizedAdvantageEstimation({ ...x, values: [1, 2] })).toThrow(/values: must hold 8/);
    expect(() => generalizedAdvantageEstimation({ ...x, rewards: [1, NaN, 0, 0, 0, 0, 0, 0] })).toThrow(/rewards: must be finite/);
    expect(() =>
      generalizedAdvantageEstimation({ ...x, truncated: [1, 0, 0, 0, 0, 0, 0, 0], terminated: new Uint8Array(8), finalValues: undefined }),
    ).toThrow(/finalValues/);
  });
});

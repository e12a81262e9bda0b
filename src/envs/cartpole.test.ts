import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { expectClose } from "../../test/helpers/envs.js";
import { Rng } from "../core/rng.js";
import { CartPoleEnv } from "./cartpole.js";
import { makeEnv } from "./registry.js";

// An independent re-implementation written straight from Gymnasium's
// cartpole.py (explicit Euler, Math.sin / Math.cos), used as the reference.
function referenceStep(s: number[], action: number): { s: number[]; terminated: boolean } {
  const [x, xDot, theta, thetaDot] = s;
  const force = action === 1 ? 10.0 : -10.0;
  const c = Math.cos(theta);
  const sn = Math.sin(theta);
  const temp = (force + 0.05 * thetaDot ** 2 * sn) / 1.1;
  const thetaAcc = (9.8 * sn - c * temp) / (0.5 * (4.0 / 3.0 - (0.1 * c ** 2) / 1.1));
  const xAcc = temp - (0.05 * thetaAcc * c) / 1.1;
  const next = [x + 0.02 * xDot, xDot + 0.02 * xAcc, theta + 0.02 * thetaDot, thetaDot + 0.02 * thetaAcc];
  const limit = (12 * 2 * Math.PI) / 360;
  const terminated = next[0] < -2.4 || next[0] > 2.4 || next[2] < -limit || next[2] > limit;
  return { s: next, terminated };
}

describe("CartPole-v1 matches Gymnasium's equations", () => {
  it("single steps from random states and actions", () => {
    const env = new CartPoleEnv();
    const rng = new Rng(1);
    for (let t = 0; t < 2000; t++) {
      if (t % 400 === 0) env.reset({ seed: t }); // stays clear of the 500-step limit
      const s = [rng.uniform(-2.4, 2.4), rng.uniform(-3, 3), rng.uniform(-0.21, 0.21), rng.uniform(-3, 3)];
      const a = rng.int(2);
      env.setState(s);
      const r = env.step(a);
      const ref = referenceStep(s, a);
      expectClose(env.getState(), ref.s);
      expectClose(r.obs, Float32Array.from(ref.s));
      expect(r.obs).toBeInstanceOf(Float32Array);
      const nearEdge = Math.abs(Math.abs(ref.s[0]) - 2.4) < 1e-9 || Math.abs(Math.abs(ref.s[2]) - (12 * 2 * Math.PI) / 360) < 1e-9;
      if (!nearEdge) expect(r.terminated).toBe(ref.terminated);
      expect(r.reward).toBe(1);
      expect(r.truncated).toBe(false);
    }
  });

  it("whole episodes from seeded resets, step by step against the reference", () => {
    const env = makeEnv("CartPole-v1");
    const rng = new Rng(2);
    let terminations = 0;
    for (let episode = 0; episode < 30; episode++) {
      const { obs } = env.reset({ seed: 100 + episode });
      let s = Array.from(env.getState());
      expectClose(obs, Float32Array.from(s), 0);
      for (let t = 0; t < 500; t++) {
        const a = rng.int(2);
        const r = env.step(a);
        const ref = referenceStep(s, a);
        expectClose(env.getState(), ref.s, 1e-9);
        expect(r.terminated).toBe(ref.terminated);
        expect(r.reward).toBe(1); // including the terminating step
        s = ref.s;
        if (r.terminated || r.truncated) {
          terminations += r.terminated ? 1 : 0;
          break;
        }
      }
    }
    expect(terminations).toBe(30); // a random policy drops the pole well before 500 steps
  });

  it("terminates strictly beyond 2.4 and 12 degrees (Gymnasium's < and >)", () => {
    const env = new CartPoleEnv();
    const limit = (12 * 2 * Math.PI) / 360;
    const cases: [number[], boolean][] = [
      [[2.4, 0, 0, 0], false], // x stays exactly 2.4: not beyond
      [[2.39, 1, 0, 0], true], // x -> 2.41
      [[-2.39, -1, 0, 0], true],
      [[0, 0, limit - 0.02 * 0.4, 0.4], false], // theta lands just inside (thetaDot moves it by 0.008)
      [[0, 0, limit - 0.001, 0.1], true], // theta -> limit + 0.001
      [[0, 0, -limit + 0.001, -0.1], true],
    ];
    for (const [s, expected] of cases) {
      env.setState(s);
      const r = env.step(0);
      expect(r.terminated).toBe(expected);
      expect(r.terminated).toBe(referenceStep(s, 0).terminated);
      expect(r.reward).toBe(1);
    }
  });

  it("pays 0 for steps after termination, as Gymnasium's steps_beyond_terminated", () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.setState([2.39, 1, 0, 0]);
    const first = env.step(1);
    expect(first.terminated).toBe(true);
    expect(first.reward).toBe(1);
    const after = env.step(1);
    expect(after.terminated).toBe(true);
    expect(after.reward).toBe(0);
    env.reset();
    expect(env.step(1).reward).toBe(1);
  });

  it("Sutton-Barto reward: 0 per step, -1 on termination", () => {
    const env = new CartPoleEnv({ params: { suttonBartoReward: true } });
    env.setState([0, 0, 0, 0]);
    expect(env.step(0).reward).toBe(0);
    env.setState([2.39, 1, 0, 0]);
    expect(env.step(1).reward).toBe(-1);
  });

  it("truncates exactly at the time limit: 500 steps, terminated false", () => {
    const env = makeEnv("CartPole-v1");
    env.reset({ seed: 5 });
    for (let t = 1; t <= 500; t++) {
      env.setState([0, 0, 0, 0]); // keep the pole up; setState leaves the counter alone
      const r = env.step(t % 2);
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(t === 500);
      expect(env.elapsedSteps).toBe(t);
    }
    env.reset();
    expect(env.elapsedSteps).toBe(0);
    const short = new CartPoleEnv({ maxEpisodeSteps: 3 });
    short.reset({ seed: 1 });
    expect([short.step(0).truncated, short.step(1).truncated, short.step(0).truncated]).toEqual([false, false, true]);
  });

  it("initial states are uniform in [-0.05, 0.05)^4 and a seed fixes them", () => {
    const env = new CartPoleEnv();
    const n = 4000;
    const sums = [0, 0, 0, 0];
    const sq = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      env.reset({ seed: i });
      const s = env.getState();
      for (let d = 0; d < 4; d++) {
        expect(s[d]).toBeGreaterThanOrEqual(-0.05);
        expect(s[d]).toBeLessThan(0.05);
        sums[d] += s[d];
        sq[d] += s[d] * s[d];
      }
    }
    for (let d = 0; d < 4; d++) {
      // Uniform(-a, a), a = 0.05: mean 0, E x^2 = a^2 / 3; bounds are 5 standard errors.
      expect(Math.abs(sums[d] / n)).toBeLessThan(5 * Math.sqrt(0.0025 / 3 / n));
      expect(Math.abs(sq[d] / n - 0.0025 / 3)).toBeLessThan(5 * Math.sqrt((4 * 0.05 ** 4) / 45 / n));
    }
    env.reset({ seed: 9 });
    const a = env.getState();
    env.reset({ seed: 9 });
    expect(env.getState()).toEqual(a);
    env.reset({ seed: 9, options: { low: -0.2, high: -0.1 } });
    for (const v of env.getState()) expect(v >= -0.2 && v < -0.1).toBe(true);
    expect(() => env.reset({ options: { low: 1, high: 0 } })).toThrow(/low.*must not exceed high/);
    expect(() => env.reset({ options: { lo: 1 } as never })).toThrow(/unknown reset option/);
  });

  it("has Gymnasium's spaces", () => {
    const env = new CartPoleEnv();
    expect(env.actionSpace.kind).toBe("discrete");
    expect(env.actionSpace.n).toBe(2);
    const box = env.observationSpace;
    expect(box.dtype).toBe("float32");
    expect(box.shape).toEqual([4]);
    const high = Float32Array.of(4.8, Infinity, (2 * 12 * 2 * Math.PI) / 360, Infinity);
    expect(Array.from(box.high)).toEqual(Array.from(high));
    expect(Array.from(box.low)).toEqual(Array.from(high, (v) => -v));
    expect(env.maxEpisodeSteps).toBe(500);
  });

  it("rejects invalid actions with a ValidationError naming the action and the value", () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    for (const bad of [2, -1, 0.5, NaN, "1", [0, 1], null]) {
      expect(() => env.step(bad as never)).toThrow(ValidationError);
      expect(() => env.step(bad as never)).toThrow(/^action: must be an integer/);
    }
    expect(() => env.step(7)).toThrow(/got 7\) at env CartPole-v1/);
    expect(env.step([1]).reward).toBe(1); // a length-1 array holding an index is accepted
    expect(() => new CartPoleEnv().step(0)).toThrow(/call reset\(\)/);
    expect(() => env.setState([0, 0, NaN, 0])).toThrow(/state: entries must be finite numbers \(got NaN\).*index 2/);
    expect(() => env.setState([0, 0, 0])).toThrow(/state: must have 4 entries/);
    expect(() => new CartPoleEnv({ params: { gravity: NaN } })).toThrow(/params.gravity/);
    expect(() => new CartPoleEnv({ params: { mass: 1 } as never })).toThrow(/unknown constant/);
    expect(() => new CartPoleEnv({ maxEpisodeSteps: 0 })).toThrow(/maxEpisodeSteps/);
  });
});

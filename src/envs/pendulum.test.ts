import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { angleNormalize, PendulumEnv } from "./pendulum.js";
import { makeEnv } from "./registry.js";

// Independent re-implementation from Gymnasium's pendulum.py; the angle is
// normalised with floor instead of a floored remainder.
function normalise(x: number): number {
  const twoPi = 2 * Math.PI;
  return x + Math.PI - twoPi * Math.floor((x + Math.PI) / twoPi) - Math.PI;
}

function referenceStep(s: number[], action: number): { s: number[]; reward: number } {
  const [th, thdot] = s;
  const u = Math.min(Math.max(action, -2), 2);
  const costs = normalise(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;
  let newthdot = thdot + ((3 * 10) / (2 * 1) * Math.sin(th) + (3.0 / (1 * 1 ** 2)) * u) * 0.05;
  newthdot = Math.min(Math.max(newthdot, -8), 8);
  const newth = th + newthdot * 0.05;
  return { s: [newth, newthdot], reward: -costs };
}

function expectClose(actual: number, expected: number, rel = 1e-6): void {
  const tol = rel * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${actual} vs reference ${expected}`);
}

describe("Pendulum-v1 matches Gymnasium's equations", () => {
  it("single steps from random states and torques, including clipped torques and speeds", () => {
    const env = new PendulumEnv();
    const rng = new Rng(8);
    let clippedTorque = 0;
    let clippedSpeed = 0;
    for (let t = 0; t < 3000; t++) {
      if (t % 150 === 0) env.reset({ seed: t });
      const s = [rng.uniform(-20, 20), rng.uniform(-8, 8)];
      const u = rng.uniform(-4, 4);
      env.setState(s);
      const r = env.step(t % 2 === 0 ? u : Float32Array.of(u));
      const ref = referenceStep(s, t % 2 === 0 ? u : Math.fround(u));
      const got = env.getState();
      expectClose(got[0], ref.s[0]);
      expectClose(got[1], ref.s[1]);
      expectClose(r.reward, ref.reward);
      expectClose(r.obs[0], Math.cos(ref.s[0]));
      expectClose(r.obs[1], Math.sin(ref.s[0]));
      expectClose(r.obs[2], ref.s[1]);
      expect(r.terminated).toBe(false);
      if (Math.abs(u) > 2) clippedTorque++;
      if (Math.abs(ref.s[1]) === 8) clippedSpeed++;
    }
    expect(clippedTorque).toBeGreaterThan(1000);
    expect(clippedSpeed).toBeGreaterThan(20);
  });

  it("clips the torque to [-2, 2] exactly (an action of 5 acts as 2)", () => {
    const a = new PendulumEnv();
    const b = new PendulumEnv();
    a.setState([1, 0.5]);
    b.setState([1, 0.5]);
    const ra = a.step(5);
    const rb = b.step([2]);
    expect(ra.reward).toBe(rb.reward);
    expect(Array.from(a.getState())).toEqual(Array.from(b.getState()));
    a.setState([1, 7.99]);
    a.step(2);
    expect(a.getState()[1]).toBe(8);
  });

  it("angle_normalize is Python's ((x + pi) % 2 pi) - pi", () => {
    const rng = new Rng(9);
    for (let i = 0; i < 5000; i++) {
      const x = rng.uniform(-100, 100);
      const y = angleNormalize(x);
      expect(y >= -Math.PI && y < Math.PI).toBe(true);
      expect(Math.abs(y - normalise(x))).toBeLessThan(1e-12);
    }
    expect(angleNormalize(Math.PI)).toBe(-Math.PI); // Python: ((pi + pi) % 2pi) - pi = -pi
    expect(angleNormalize(-Math.PI)).toBe(-Math.PI);
    expect(angleNormalize(0)).toBe(0);
  });

  it("never terminates and truncates at exactly 200 steps; the reward is at least -16.2736044", () => {
    const env = makeEnv("Pendulum-v1");
    const rng = new Rng(10);
    env.reset({ seed: 3 });
    for (let t = 1; t <= 200; t++) {
      const r = env.step(rng.uniform(-2, 2));
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(t === 200);
      expect(r.reward).toBeGreaterThanOrEqual(-(Math.PI ** 2 + 0.1 * 64 + 0.001 * 4));
      expect(r.reward).toBeLessThanOrEqual(0);
    }
  });

  it("initial state uniform in [-pi, pi) x [-1, 1); reset options x_init, y_init", () => {
    const env = new PendulumEnv();
    const n = 4000;
    let sq0 = 0;
    let sq1 = 0;
    for (let i = 0; i < n; i++) {
      env.reset({ seed: i });
      const [th, thdot] = env.getState();
      expect(th >= -Math.PI && th < Math.PI).toBe(true);
      expect(thdot >= -1 && thdot < 1).toBe(true);
      sq0 += th * th;
      sq1 += thdot * thdot;
    }
    // Uniform(-a, a): E x^2 = a^2 / 3 with standard error sqrt(4 a^4 / 45 / n); bounds are 5 of them.
    expect(Math.abs(sq0 / n - Math.PI ** 2 / 3)).toBeLessThan(5 * Math.sqrt((4 * Math.PI ** 4) / 45 / n));
    expect(Math.abs(sq1 / n - 1 / 3)).toBeLessThan(5 * Math.sqrt(4 / 45 / n));
    env.reset({ seed: 1, options: { x_init: 0.5, y_init: 0.1 } });
    const [th, thdot] = env.getState();
    expect(Math.abs(th) <= 0.5 && Math.abs(thdot) <= 0.1).toBe(true);
    expect(() => env.reset({ options: { low: 0 } })).toThrow(/unknown reset option/);
  });

  it("has Gymnasium's spaces and rejects non-finite or misshapen torques", () => {
    const env = new PendulumEnv();
    expect(env.actionSpace.kind).toBe("box");
    expect(Array.from(env.actionSpace.low)).toEqual([-2]);
    expect(Array.from(env.actionSpace.high)).toEqual([2]);
    expect(env.actionSpace.shape).toEqual([1]);
    expect(Array.from(env.observationSpace.high)).toEqual([1, 1, 8]);
    expect(env.maxEpisodeSteps).toBe(200);
    env.reset({ seed: 0 });
    for (const bad of [NaN, Infinity, [1, 2], "1", [NaN]]) expect(() => env.step(bad as never)).toThrow(ValidationError);
    expect(() => env.step([1, 2])).toThrow(/action: must have shape \[1\]/);
  });
});

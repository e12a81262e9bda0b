import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.js";
import { MountainCarEnv } from "./mountain-car.js";
import { makeEnv } from "./registry.js";

// Independent re-implementation from Gymnasium's mountain_car.py.
function referenceStep(s: number[], action: number, goalVelocity = 0): { s: number[]; terminated: boolean } {
  let [position, velocity] = s;
  velocity += (action - 1) * 0.001 + Math.cos(3 * position) * -0.0025;
  velocity = Math.min(Math.max(velocity, -0.07), 0.07);
  position += velocity;
  position = Math.min(Math.max(position, -1.2), 0.6);
  if (position === -1.2 && velocity < 0) velocity = 0;
  return { s: [position, velocity], terminated: position >= 0.5 && velocity >= goalVelocity };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-6): void {
  for (let i = 0; i < expected.length; i++) {
    const tol = rel * Math.max(1e-3, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) throw new Error(`entry ${i}: ${actual[i]} vs reference ${expected[i]}`);
  }
}

describe("MountainCar-v0 matches Gymnasium's equations", () => {
  it("single steps from random states and actions", () => {
    const env = new MountainCarEnv();
    const rng = new Rng(6);
    for (let t = 0; t < 3000; t++) {
      if (t % 150 === 0) env.reset({ seed: t });
      const s = [rng.uniform(-1.2, 0.6), rng.uniform(-0.07, 0.07)];
      const a = rng.int(3);
      env.setState(s);
      const r = env.step(a);
      const ref = referenceStep(s, a);
      expectClose(env.getState(), ref.s);
      expectClose(r.obs, Float32Array.from(ref.s));
      if (Math.abs(ref.s[0] - 0.5) > 1e-12 && Math.abs(ref.s[1]) > 1e-12) expect(r.terminated).toBe(ref.terminated);
      expect(r.reward).toBe(-1);
    }
  });

  it("episodes of a random policy are truncated at exactly 200 steps, matching the reference throughout", () => {
    const env = makeEnv("MountainCar-v0");
    const rng = new Rng(7);
    for (let episode = 0; episode < 5; episode++) {
      env.reset({ seed: episode });
      let s = Array.from(env.getState());
      expect(s[1]).toBe(0);
      for (let t = 1; t <= 200; t++) {
        const a = rng.int(3);
        const r = env.step(a);
        const ref = referenceStep(s, a);
        expectClose(env.getState(), ref.s, 1e-12);
        s = ref.s;
        expect(r.terminated).toBe(false);
        expect(r.truncated).toBe(t === 200);
      }
    }
  });

  it("stops at the left wall and terminates at the goal (goal_velocity respected)", () => {
    const env = new MountainCarEnv();
    env.setState([-1.19, -0.07]);
    const wall = env.step(0);
    expect(Array.from(env.getState())).toEqual([-1.2, 0]);
    expect(wall.terminated).toBe(false);
    env.setState([0.49, 0.05]);
    expect(env.step(2).terminated).toBe(true);
    const picky = new MountainCarEnv({ params: { goalVelocity: 0.06 } });
    picky.setState([0.49, 0.05]);
    const r = picky.step(1);
    expect(picky.getState()[0]).toBeGreaterThan(0.5);
    expect(r.terminated).toBe(picky.getState()[1] >= 0.06);
    expect(r.terminated).toBe(false);
    // Velocity is clipped to 0.07 before the position moves.
    env.setState([-Math.PI / 6, 0.07]); // cos(3p) = 0: the push adds 0.001
    env.step(2);
    expect(env.getState()[1]).toBe(0.07);
  });

  it("initial position uniform in [-0.6, -0.4), velocity 0; Gymnasium's spaces", () => {
    const env = new MountainCarEnv();
    let sum = 0;
    let sq = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      env.reset({ seed: i });
      const [p, v] = env.getState();
      expect(p >= -0.6 && p < -0.4).toBe(true);
      expect(v).toBe(0);
      sum += p;
      sq += (p + 0.5) ** 2;
    }
    // Uniform on a width-0.2 interval: mean -0.5, E(p + 0.5)^2 = 0.1^2 / 3; bounds are 5 standard errors.
    expect(Math.abs(sum / n + 0.5)).toBeLessThan(5 * Math.sqrt(0.01 / 3 / n));
    expect(Math.abs(sq / n - 0.01 / 3)).toBeLessThan(5 * Math.sqrt((4 * 1e-4) / 45 / n));
    expect(Array.from(env.observationSpace.low)).toEqual(Array.from(Float32Array.of(-1.2, -0.07)));
    expect(Array.from(env.observationSpace.high)).toEqual(Array.from(Float32Array.of(0.6, 0.07)));
    expect(env.actionSpace.n).toBe(3);
    expect(env.maxEpisodeSteps).toBe(200);
  });
});

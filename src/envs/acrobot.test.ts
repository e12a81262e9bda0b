import { describe, expect, it } from "vitest";
import { expectClose } from "../../test/helpers/envs.js";
import { Rng } from "../core/rng.js";
import { AcrobotEnv, wrapPi } from "./acrobot.js";
import { makeEnv } from "./registry.js";

// An independent re-implementation from Gymnasium's acrobot.py ("book"
// dynamics, its rk4 helper over t = [0, dt], Math.sin / Math.cos).
const m1 = 1, m2 = 1, l1 = 1, lc1 = 0.5, lc2 = 0.5, I1 = 1, I2 = 1, g = 9.8;

function dsdt(y: number[]): number[] {
  const [theta1, theta2, dtheta1, dtheta2, a] = y;
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2);
  const phi1 =
    -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 = (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return [dtheta1, dtheta2, ddtheta1, ddtheta2, 0];
}

/** Classical RK4 from t[0] to t[last] through the sample times t; returns the last state. */
function rk4(y0: number[], t: number[]): number[] {
  let y = y0.slice();
  for (let i = 0; i < t.length - 1; i++) {
    const dt = t[i + 1] - t[i];
    const add = (u: number[], v: number[], h: number): number[] => u.map((ui, j) => ui + h * v[j]);
    const k1 = dsdt(y);
    const k2 = dsdt(add(y, k1, dt / 2));
    const k3 = dsdt(add(y, k2, dt / 2));
    const k4 = dsdt(add(y, k3, dt));
    y = y.map((yi, j) => yi + (dt / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]));
  }
  return y;
}

function wrap(x: number): number {
  while (x > Math.PI) x -= 2 * Math.PI;
  while (x < -Math.PI) x += 2 * Math.PI;
  return x;
}

function referenceStep(s: number[], action: number): { s: number[]; terminated: boolean; reward: number } {
  const ns = rk4([...s, [-1, 0, 1][action]], [0, 0.2]);
  const out = [
    wrap(ns[0]),
    wrap(ns[1]),
    Math.min(Math.max(ns[2], -4 * Math.PI), 4 * Math.PI),
    Math.min(Math.max(ns[3], -9 * Math.PI), 9 * Math.PI),
  ];
  const terminated = -Math.cos(out[0]) - Math.cos(out[1] + out[0]) > 1.0;
  return { s: out, terminated, reward: terminated ? 0 : -1 };
}

function observation(s: number[]): Float32Array {
  return Float32Array.of(Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]);
}

describe("Acrobot-v1 matches Gymnasium's equations", () => {
  it("single RK4 steps from random states and actions, with wrapping and velocity bounds", () => {
    const env = new AcrobotEnv();
    const rng = new Rng(3);
    let wrapped = 0;
    let clipped = 0;
    for (let t = 0; t < 1500; t++) {
      if (t % 400 === 0) env.reset({ seed: t });
      const s = [rng.uniform(-Math.PI, Math.PI), rng.uniform(-Math.PI, Math.PI), rng.uniform(-4 * Math.PI, 4 * Math.PI), rng.uniform(-9 * Math.PI, 9 * Math.PI)];
      const a = rng.int(3);
      env.setState(s);
      const r = env.step(a);
      const ref = referenceStep(s, a);
      const got = env.getState();
      // Angles compared on the circle: a value within 1e-12 of +-pi may wrap to either end.
      for (const j of [0, 1]) {
        const d = Math.abs(got[j] - ref.s[j]);
        expect(Math.min(d, Math.abs(d - 2 * Math.PI))).toBeLessThan(1e-6 * Math.PI);
      }
      expectClose(got.slice(2), ref.s.slice(2));
      expectClose(r.obs, observation(ref.s));
      const margin = -Math.cos(ref.s[0]) - Math.cos(ref.s[1] + ref.s[0]) - 1;
      if (Math.abs(margin) > 1e-9) {
        expect(r.terminated).toBe(ref.terminated);
        expect(r.reward).toBe(ref.reward);
      }
      const raw = rk4([...s, [-1, 0, 1][a]], [0, 0.2]);
      if (Math.abs(raw[0]) > Math.PI || Math.abs(raw[1]) > Math.PI) wrapped++;
      if (Math.abs(raw[2]) > 4 * Math.PI || Math.abs(raw[3]) > 9 * Math.PI) clipped++;
    }
    // The random states exercise both the wrap and the velocity bound.
    expect(wrapped).toBeGreaterThan(100);
    expect(clipped).toBeGreaterThan(50);
  });

  it("whole episodes from seeded resets, step by step against the reference", () => {
    const env = makeEnv("Acrobot-v1");
    const rng = new Rng(4);
    for (let episode = 0; episode < 4; episode++) {
      env.reset({ seed: episode });
      let s = Array.from(env.getState());
      for (let t = 0; t < 500; t++) {
        const a = rng.int(3);
        const r = env.step(a);
        const ref = referenceStep(s, a);
        // Chaotic dynamics: compare one step from our own previous state, so
        // last-bit differences of sin/cos cannot accumulate.
        const got = Array.from(env.getState());
        for (const j of [0, 1]) {
          const d = Math.abs(got[j] - ref.s[j]);
          expect(Math.min(d, Math.abs(d - 2 * Math.PI))).toBeLessThan(1e-9);
        }
        expectClose(got.slice(2), ref.s.slice(2), 1e-9);
        expect(r.reward).toBe(ref.reward);
        expect(r.terminated).toBe(ref.terminated);
        expect(r.truncated).toBe(t === 499);
        s = got;
        if (r.terminated || r.truncated) break;
      }
    }
  });

  it("one RK4 step of 0.2 s is close to a finely stepped integration of the same ODE", () => {
    const env = new AcrobotEnv();
    const rng = new Rng(5);
    for (let t = 0; t < 50; t++) {
      // Small states: no wrap and no velocity bound in 0.2 s.
      const s = [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), rng.uniform(-1, 1), rng.uniform(-1, 1)];
      const a = rng.int(3);
      env.setState(s);
      env.step(a);
      const fine = rk4([...s, [-1, 0, 1][a]], Array.from({ length: 2001 }, (_, i) => (0.2 * i) / 2000));
      const finer = rk4([...s, [-1, 0, 1][a]], Array.from({ length: 4001 }, (_, i) => (0.2 * i) / 4000));
      expectClose(fine.slice(0, 4), finer.slice(0, 4), 1e-11); // the fine integration has converged
      const got = env.getState();
      for (let j = 0; j < 4; j++) expect(Math.abs(got[j] - fine[j])).toBeLessThan(2e-3 * Math.max(1, Math.abs(fine[j])));
    }
  });

  it("terminates when the tip rises above the bar (reward 0), else pays -1", () => {
    const env = new AcrobotEnv();
    env.setState([Math.PI - 0.01, 0, 0, 0]); // both links up: -cos(t1) - cos(t1 + t2) = 2
    const up = env.step(1);
    expect(up.terminated).toBe(true);
    expect(up.reward).toBe(0);
    env.setState([0, 0, 0, 0]);
    const down = env.step(1);
    expect(down.terminated).toBe(false);
    expect(down.reward).toBe(-1);
  });

  it("truncates exactly at 500 steps", () => {
    const env = makeEnv("Acrobot-v1");
    env.reset({ seed: 1 });
    for (let t = 1; t <= 500; t++) {
      env.setState([0, 0, 0, 0]);
      const r = env.step(t % 3);
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(t === 500);
    }
  });

  it("initial states are uniform in [-0.1, 0.1)^4, rounded to float32", () => {
    const env = new AcrobotEnv();
    const n = 3000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      env.reset({ seed: i });
      for (const v of env.getState()) {
        expect(v).toBe(Math.fround(v));
        expect(v >= Math.fround(-0.1) && v <= Math.fround(0.1)).toBe(true);
        sum += v;
        sq += v * v;
      }
    }
    // Uniform(-a, a), a = 0.1, over 4n values: bounds are 5 standard errors.
    expect(Math.abs(sum / (4 * n))).toBeLessThan(5 * Math.sqrt(0.01 / 3 / (4 * n)));
    expect(Math.abs(sq / (4 * n) - 0.01 / 3)).toBeLessThan(5 * Math.sqrt((4 * 1e-4) / 45 / (4 * n)));
  });

  it("has Gymnasium's spaces", () => {
    const env = new AcrobotEnv();
    expect(env.actionSpace.n).toBe(3);
    expect(Array.from(env.observationSpace.high)).toEqual(Array.from(Float32Array.of(1, 1, 1, 1, 4 * Math.PI, 9 * Math.PI)));
    expect(Array.from(env.observationSpace.low)).toEqual(Array.from(Float32Array.of(-1, -1, -1, -1, -4 * Math.PI, -9 * Math.PI)));
    expect(env.maxEpisodeSteps).toBe(500);
    env.reset({ seed: 0 });
    expect(() => env.step(3)).toThrow(/action: must be an integer in \[0, 3\)/);
  });

  it("wraps like Gymnasium, and absurd angles end", () => {
    for (const x of [3.2, -3.2, 7, -20, Math.PI, -Math.PI, 0]) expect(wrapPi(x)).toBe(wrap(x));
    const big = wrapPi(1e300);
    expect(big >= -Math.PI && big <= Math.PI).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { smallMdp } from "../mdp/generators/small.js";
import { Rng } from "../core/rng.js";
import { checkEnv } from "./check-env.js";
import type { Env, ResetOptions, StepResult } from "./env.js";
import { ENV_IDS, makeEnv, makeVecEnv } from "./registry.js";
import { Box, Discrete } from "./spaces.js";
import { tabularEnv } from "./tabular-env.js";

/** A correct user environment: walk on a line of 10 cells, goal at the right end. */
class Corridor implements Env<Float32Array, number> {
  readonly observationSpace = new Box(0, 9, { shape: [1] });
  readonly actionSpace = new Discrete(2);
  readonly maxEpisodeSteps = 30;
  protected pos = 0;
  protected t = 0;
  protected rng = new Rng(0);

  reset(opts: ResetOptions = {}): { obs: Float32Array; info: Record<string, unknown> } {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.pos = this.rng.int(3);
    this.t = 0;
    return { obs: Float32Array.of(this.pos), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    this.pos = Math.max(0, Math.min(9, this.pos + (action === 1 ? 1 : -1)));
    this.t++;
    const terminated = this.pos === 9;
    return { obs: Float32Array.of(this.pos), reward: terminated ? 1 : -0.1, terminated, truncated: this.t >= 30, info: {} };
  }

  getState(): Float64Array {
    return Float64Array.of(this.pos);
  }

  setState(state: ArrayLike<number>): void {
    this.pos = state[0];
  }
}

/** A Corridor with one thing wrong, chosen by `flaw`. */
function broken(flaw: string): Env {
  const env = new Corridor();
  const step = env.step.bind(env);
  const reset = env.reset.bind(env);
  const e = env as unknown as Record<string, unknown>;
  switch (flaw) {
    case "float64 obs":
      e.step = (a: number) => ({ ...step(a), obs: Float64Array.of(1) });
      break;
    case "obs out of box":
      e.step = (a: number) => ({ ...step(a), obs: Float32Array.of(12) });
      break;
    case "wrong obs length":
      e.reset = (o?: ResetOptions) => ({ ...reset(o), obs: Float32Array.of(1, 2) });
      break;
    case "NaN reward":
      e.step = (a: number) => ({ ...step(a), reward: NaN });
      break;
    case "number flags":
      e.step = (a: number) => ({ ...step(a), terminated: 0 });
      break;
    case "old gym API":
      e.step = (a: number) => {
        const r = step(a);
        return [r.obs, r.reward, r.terminated, r.info];
      };
      break;
    case "reset returns obs":
      e.reset = (o?: ResetOptions) => reset(o).obs;
      break;
    case "ignores seed":
      e.reset = () => {
        const obs = Float32Array.of(Math.floor(Math.random() * 3));
        return { obs, info: {} };
      };
      break;
    case "state not restored":
      e.setState = () => {};
      break;
    case "getState without setState":
      e.setState = undefined;
      break;
    case "getState returns internals": {
      const inner = Float64Array.of(0);
      e.getState = () => inner;
      e.setState = (s: ArrayLike<number>) => inner.set(s);
      break;
    }
    case "throws":
      e.step = () => {
        throw new Error("boom");
      };
      break;
    case "no spaces":
      e.observationSpace = { low: 0, high: 1 };
      break;
  }
  return env;
}

describe("checkEnv", () => {
  it("passes the built-in environments, a tabular environment and a correct user environment", () => {
    for (const id of ENV_IDS) {
      const report = checkEnv(makeEnv(id));
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
    }
    expect(checkEnv(makeEnv("Pendulum-v1")).warnings.join()).toMatch(/not \[-1, 1\]/);
    expect(checkEnv(tabularEnv(smallMdp(), { maxEpisodeSteps: 20 })).problems).toEqual([]);
    const report = checkEnv(new Corridor());
    expect(report).toEqual({ ok: true, problems: [], warnings: [] });
  });

  const cases: [string, RegExp][] = [
    ["float64 obs", /step\(\) #1: the observation has element type Float64Array, but the space's dtype is float32/],
    ["obs out of box", /the observation entry 0 = 12 is above high = 9/],
    ["wrong obs length", /reset\(\): the observation has 2 entries, the space's shape \[1\] has 1/],
    ["NaN reward", /reward must be finite, got NaN/],
    ["number flags", /terminated must be a boolean, got 0/],
    ["old gym API", /the result lacks obs, reward, terminated, truncated, info/],
    ["reset returns obs", /reset\(\): must return \{ obs, info \}, got Float32Array\(1\)/],
    ["ignores seed", /is not deterministic: two runs with the same seed/],
    ["state not restored", /setState\(getState\(\)\) does not round-trip/],
    ["getState without setState", /getState is defined without setState/],
    ["getState returns internals", /getState\(\) must return a copy/],
    ["throws", /threw with actions sampled from actionSpace: boom/],
    ["no spaces", /observationSpace must be a Box or a Discrete/],
  ];
  it.each(cases)("reports: %s", (flaw, message) => {
    const report = checkEnv(broken(flaw), { seed: 3 });
    expect(report.ok).toBe(false);
    expect(report.problems.join("\n")).toMatch(message);
    // A problem that repeats on every step is reported once.
    expect(new Set(report.problems).size).toBe(report.problems.length);
    expect(report.problems.length).toBeLessThanOrEqual(3);
  });

  it("throws with every message when asked", () => {
    expect(() => checkEnv(broken("NaN reward"), { throws: true })).toThrow(/checkEnv found 1 problem\(s\):\n- step\(\) #1: reward must be finite/);
    expect(() => checkEnv(new Corridor(), { throws: true })).not.toThrow();
  });

  it("a correct user environment plugs into makeVecEnv with auto-reset", () => {
    const vec = makeVecEnv(() => new Corridor(), { numEnvs: 3, seed: 1 });
    vec.reset();
    let ended = 0;
    for (let t = 0; t < 40; t++) {
      const r = vec.step([1, 1, 0]);
      for (let i = 0; i < 3; i++) {
        if (r.terminated[i] || r.truncated[i]) {
          ended++;
          expect(r.info.finalObs[i]).toBe(i < 2 ? 9 : r.info.finalObs[i]);
          expect(r.obs[i]).toBeLessThan(3); // the first observation of the next episode
        }
      }
    }
    expect(ended).toBeGreaterThanOrEqual(3);
    expect(() => makeVecEnv(() => new Corridor(), { numEnvs: 2, mode: "simd" })).toThrow(/use "sync"/);
  });
});

import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { f64Block } from "../core/arena.js";
import type { VecEnv, VecStepResult } from "./env.js";
import { ENV_IDS, makeEnv, makeVecEnv, type EnvId } from "./registry.js";
import type { ClassicVecEnv } from "./vec-env.js";

function randomActions(id: EnvId, rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = id === "Pendulum-v1" ? rng.uniform(-2.5, 2.5) : rng.int(id === "CartPole-v1" ? 2 : 3);
  return out;
}

/** A deep copy of a step result (the vector environment reuses `out`). */
function snapshot(r: VecStepResult): unknown {
  return {
    obs: Array.from(r.obs),
    rewards: Array.from(r.rewards),
    terminated: Array.from(r.terminated),
    truncated: Array.from(r.truncated),
    finalObs: Array.from(r.info.finalObs).map((v, j) => (r.terminated[Math.floor(j / (r.obs.length / r.rewards.length))] || r.truncated[Math.floor(j / (r.obs.length / r.rewards.length))] ? v : 0)),
    episodeReturn: Array.from(r.info.episodeReturn).map((v, i) => (r.terminated[i] || r.truncated[i] ? v : 0)),
    episodeLength: Array.from(r.info.episodeLength).map((v, i) => (r.terminated[i] || r.truncated[i] ? v : 0)),
  };
}

function rollout(vec: VecEnv, id: EnvId, steps: number, seed: number): { trace: unknown[]; ended: number } {
  const rng = new Rng(seed);
  const trace: unknown[] = [Array.from(vec.reset({ seed: 17 }).obs)];
  const out = vec.createStepResult();
  let ended = 0;
  for (let t = 0; t < steps; t++) {
    const r = vec.step(randomActions(id, rng, vec.numEnvs), out);
    expect(r).toBe(out);
    for (let i = 0; i < vec.numEnvs; i++) ended += r.terminated[i] | r.truncated[i];
    trace.push(snapshot(r));
    // The f64 states too: float32 observations would hide last-bit differences.
    for (let i = 0; i < vec.numEnvs; i++) trace.push(Array.from(vec.getState!(i)));
  }
  return { trace, ended };
}

const STEPS: Record<EnvId, number> = { "CartPole-v1": 300, "Acrobot-v1": 520, "MountainCar-v0": 420, "Pendulum-v1": 420 };

describe("vectorised environments: SIMD kernel = scalar kernel = TypeScript singles, bit for bit", () => {
  for (const id of ENV_IDS) {
    it.each([1, 2, 7])(`${id}, numEnvs %i, across automatic resets`, (numEnvs) => {
      const simd = makeVecEnv(id, { numEnvs, seed: 0, mode: "simd" });
      const scalar = makeVecEnv(id, { numEnvs, seed: 0, mode: "scalar" });
      const sync = makeVecEnv(id, { numEnvs, seed: 0, mode: "sync" });
      const a = rollout(simd, id, STEPS[id], numEnvs);
      const b = rollout(scalar, id, STEPS[id], numEnvs);
      const c = rollout(sync, id, STEPS[id], numEnvs);
      expect(a.ended).toBeGreaterThanOrEqual(numEnvs); // every copy went through at least one reset
      expect(b.trace).toEqual(a.trace);
      expect(c.trace).toEqual(a.trace);
      simd.close();
      scalar.close();
    });
  }
});

describe("a vectorised copy follows the single environment seeded with seed + i", () => {
  for (const id of ENV_IDS) {
    it(`${id}: obs, rewards, flags and final observations equal N single environments'`, () => {
      const n = 5;
      const seed = 1000;
      const vec = makeVecEnv(id, { numEnvs: n, seed, maxEpisodeSteps: 60 });
      const singles = Array.from({ length: n }, () => makeEnv(id, { maxEpisodeSteps: 60 }));
      const first = vec.reset();
      singles.forEach((env, i) => {
        const { obs } = env.reset({ seed: seed + i });
        expect(Array.from(first.obs.subarray(i * vec.obsSize, (i + 1) * vec.obsSize))).toEqual(Array.from(obs));
      });
      const rng = new Rng(99);
      let ended = 0;
      for (let t = 0; t < 200; t++) {
        const actions = randomActions(id, rng, n);
        const r = vec.step(actions);
        for (let i = 0; i < n; i++) {
          const s = singles[i].step(actions[i]);
          expect(r.rewards[i]).toBe(s.reward);
          expect(r.terminated[i]).toBe(s.terminated ? 1 : 0);
          expect(r.truncated[i]).toBe(s.truncated ? 1 : 0);
          const row = (a: Float32Array): number[] => Array.from(a.subarray(i * vec.obsSize, (i + 1) * vec.obsSize));
          if (s.terminated || s.truncated) {
            ended++;
            expect(row(r.info.finalObs)).toEqual(Array.from(s.obs));
            expect(row(r.obs)).toEqual(Array.from(singles[i].reset().obs));
          } else {
            expect(row(r.obs)).toEqual(Array.from(s.obs));
          }
          expect(vec.getState!(i)).toEqual(singles[i].getState());
        }
      }
      expect(ended).toBeGreaterThanOrEqual(n * 3);
      vec.close();
    });
  }

  it("setState on a copy and on a single gives the same steps; the elapsed counter is untouched", () => {
    for (const id of ENV_IDS) {
      const n = 3;
      const vec = makeVecEnv(id, { numEnvs: n, seed: 4 });
      const singles = Array.from({ length: n }, (_, i) => {
        const env = makeEnv(id);
        env.reset({ seed: 4 + i });
        return env;
      });
      vec.reset();
      const rng = new Rng(5);
      for (let t = 0; t < 150; t++) {
        if (t % 25 === 3) {
          const before = vec.elapsedSteps();
          for (let i = 0; i < n; i++) {
            const s = singles[i].getState().map((v) => v + rng.uniform(-0.05, 0.05));
            vec.setState!(i, s);
            singles[i].setState(s);
          }
          expect(vec.elapsedSteps()).toEqual(before);
        }
        const actions = randomActions(id, rng, n);
        const r = vec.step(actions);
        for (let i = 0; i < n; i++) {
          const s = singles[i].step(actions[i]);
          expect(r.rewards[i]).toBe(s.reward);
          expect(r.terminated[i] | r.truncated[i]).toBe(s.terminated || s.truncated ? 1 : 0);
          if (s.terminated || s.truncated) singles[i].reset();
          expect(vec.getState!(i)).toEqual(singles[i].getState());
        }
      }
      vec.close();
    }
  });
});

describe("vectorised environment behaviour", () => {
  it("truncates each copy exactly at its time limit and counts elapsed steps per copy", () => {
    const vec = makeVecEnv("Pendulum-v1", { numEnvs: 4, seed: 1, maxEpisodeSteps: 7 });
    vec.reset();
    const r = vec.createStepResult();
    for (let t = 1; t <= 14; t++) {
      vec.step([0, 0, 0, 0], r);
      for (let i = 0; i < 4; i++) {
        expect(r.truncated[i]).toBe(t % 7 === 0 ? 1 : 0);
        expect(r.terminated[i]).toBe(0);
      }
      expect(Array.from(vec.elapsedSteps())).toEqual([t % 7, t % 7, t % 7, t % 7]);
      if (t % 7 === 0) expect(Array.from(r.info.episodeLength)).toEqual([7, 7, 7, 7]);
    }
  });

  it("a copy can be terminated and truncated on the same step (both flags, as Gymnasium), then resets", () => {
    const vec = makeVecEnv("CartPole-v1", { numEnvs: 2, seed: 0, maxEpisodeSteps: 3 }) as ClassicVecEnv<object>;
    const single = makeEnv("CartPole-v1", { maxEpisodeSteps: 3 });
    vec.reset();
    single.reset({ seed: 0 });
    vec.step([0, 0]);
    vec.step([0, 0]);
    single.step(0);
    single.step(0);
    vec.setState(0, [2.39, 1, 0, 0]);
    single.setState([2.39, 1, 0, 0]);
    expect(Array.from(vec.observe().subarray(0, 4))).toEqual(Array.from(single.observe()));
    const r = vec.step([1, 1]);
    const s = single.step(1);
    expect([s.terminated, s.truncated]).toEqual([true, true]);
    expect([r.terminated[0], r.truncated[0]]).toEqual([1, 1]);
    expect([r.terminated[1], r.truncated[1]]).toEqual([0, 1]);
    expect(Array.from(r.info.finalObs.subarray(0, 4))).toEqual(Array.from(s.obs));
    expect(Array.from(vec.elapsedSteps())).toEqual([0, 0]);
    expect(Array.from(r.obs.subarray(0, 4))).toEqual(Array.from(single.reset().obs));
  });

  it("reports each ended episode's return and length (RecordEpisodeStatistics)", () => {
    const vec = makeVecEnv("CartPole-v1", { numEnvs: 3, seed: 2 });
    vec.reset();
    const rng = new Rng(3);
    const running = [0, 0, 0];
    let checked = 0;
    for (let t = 0; t < 200; t++) {
      const r = vec.step(randomActions("CartPole-v1", rng, 3));
      for (let i = 0; i < 3; i++) {
        running[i] += r.rewards[i];
        if (r.terminated[i] || r.truncated[i]) {
          expect(r.info.episodeReturn[i]).toBe(running[i]);
          expect(r.info.episodeLength[i]).toBe(running[i]); // CartPole pays 1 per step
          running[i] = 0;
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("the same seed gives the same trajectories; another seed does not", () => {
    const run = (seed: number): unknown[] => {
      const vec = makeVecEnv("Acrobot-v1", { numEnvs: 4, seed });
      vec.reset();
      const rng = new Rng(0);
      const trace: unknown[] = [];
      for (let t = 0; t < 50; t++) trace.push(Array.from(vec.step(randomActions("Acrobot-v1", rng, 4)).obs));
      vec.close();
      return trace;
    };
    expect(run(8)).toEqual(run(8));
    expect(run(9)).not.toEqual(run(8));
  });

  it("reset({ seed }) re-seeds; reset() continues the streams; reset options reach the automatic resets", () => {
    const vec = makeVecEnv("CartPole-v1", { numEnvs: 2, seed: 0 });
    const a = vec.reset({ seed: 5 }).obs;
    const b = vec.reset().obs;
    const c = vec.reset({ seed: 5 }).obs;
    expect(Array.from(c)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
    vec.reset({ seed: 1, options: { low: 0.3, high: 0.4 } });
    let ended = 0;
    for (let t = 0; t < 40; t++) {
      const r = vec.step([1, 0]);
      for (let i = 0; i < 2; i++) {
        if (r.terminated[i] || r.truncated[i]) {
          ended++;
          for (const v of r.obs.subarray(4 * i, 4 * i + 4)) expect(v >= Math.fround(0.3) && v <= Math.fround(0.4)).toBe(true);
        }
      }
    }
    expect(ended).toBeGreaterThan(0);
  });

  it("keeps working after WebAssembly memory grows (views are rebuilt)", () => {
    const vec = makeVecEnv("MountainCar-v0", { numEnvs: 8, seed: 0 });
    const twin = makeVecEnv("MountainCar-v0", { numEnvs: 8, seed: 0, mode: "sync" });
    vec.reset();
    twin.reset();
    const big = f64Block(4 * 1024 * 1024); // 32 MiB: forces memory.grow
    for (let t = 0; t < 20; t++) {
      const actions = [0, 1, 2, 0, 1, 2, 2, 0];
      expect(Array.from(vec.step(actions).obs)).toEqual(Array.from(twin.step(actions).obs));
    }
    big.free();
    vec.close();
  });

  it("rejects bad actions, bad options and use after close with clear errors", () => {
    const vec = makeVecEnv("CartPole-v1", { numEnvs: 3, seed: 0 });
    expect(() => vec.step([0, 0, 0])).toThrow(/call reset\(\)/);
    vec.reset();
    expect(() => vec.step([0, 1])).toThrow(/actions: must have numEnvs = 3 entries \(got 2\)/);
    expect(() => vec.step([0, 2, 1])).toThrow(ValidationError);
    expect(() => vec.step([0, 2, 1])).toThrow(/actions: must be integers in \[0, 2\) \(got 2\) at env CartPole-v1, copy 1/);
    expect(() => vec.step([0, NaN, 1])).toThrow(/got NaN/);
    expect(() => vec.step([0, 1, 1], { obs: new Float32Array(3) } as never)).toThrow(/out: must come from createStepResult/);
    expect(() => vec.setState!(3, [0, 0, 0, 0])).toThrow(/copy: must be an integer in \[0, 3\)/);
    const pend = makeVecEnv("Pendulum-v1", { numEnvs: 2, seed: 0 });
    pend.reset();
    expect(() => pend.step([0, Infinity])).toThrow(/actions: must be finite numbers \(got Infinity\).*copy 1/);
    expect(() => makeVecEnv("CartPole-v1", { numEnvs: 0 })).toThrow(/numEnvs/);
    expect(() => makeVecEnv("CartPole-v2" as never, { numEnvs: 1 })).toThrow(/id: unknown environment/);
    vec.close();
    expect(() => vec.step([0, 0, 0])).toThrow(/after close/);
  });
});

import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { frozenLake, FROZEN_LAKE_MAPS } from "../mdp/generators/frozen-lake.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { Rng } from "../core/rng.js";
import { makeVecEnv } from "./registry.js";
import { tabularEnv } from "./tabular-env.js";

// S = 3, A = 2; state 2 is absorbing with reward 0.
const P = [
  [[0.2, 0.5, 0.3], [0, 1, 0]],
  [[0.6, 0, 0.4], [0.1, 0.1, 0.8]],
  [[0, 0, 1], [0, 0, 1]],
];
const R = [[1, -2], [0.5, 3], [0, 0]];
const mu = [0.7, 0.3, 0];

function small(): TabularMdp {
  return TabularMdp.fromDense({ S: 3, A: 2, P, R, mu, gamma: 0.9 });
}

/** |frequency - p| within 5 standard errors of a binomial proportion. */
function expectFrequency(count: number, n: number, p: number): void {
  expect(Math.abs(count / n - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n) + 1e-12);
}

describe("tabularEnv: a sampled environment over a TabularMdp", () => {
  it("samples next states from P, pays R[s][a], starts from mu", () => {
    const env = tabularEnv(small(), { terminal: "none" });
    env.reset({ seed: 1 });
    const n = 20_000;
    for (const [s, a] of [[0, 0], [1, 0], [1, 1]]) {
      const counts = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        env.setState([s]);
        const r = env.step(a);
        expect(r.reward).toBe(R[s][a]);
        counts[r.obs]++;
      }
      for (let t = 0; t < 3; t++) expectFrequency(counts[t], n, P[s][a][t]);
    }
    const starts = [0, 0, 0];
    for (let i = 0; i < n; i++) starts[env.reset().obs]++;
    for (let t = 0; t < 3; t++) expectFrequency(starts[t], n, mu[t]);
  });

  it("ends episodes in absorbing zero-reward states by default, or as told", () => {
    const mdp = small();
    const env = tabularEnv(mdp);
    env.setState([1]);
    let ended = false;
    for (let i = 0; i < 200 && !ended; i++) {
      const r = env.step(1);
      ended = r.terminated;
      if (ended) expect(r.obs).toBe(2);
      else expect(r.obs).not.toBe(2);
    }
    expect(ended).toBe(true);
    const listed = tabularEnv(mdp, { terminal: [1] });
    listed.setState([0]);
    expect(listed.step(1)).toMatchObject({ obs: 1, terminated: true });
    const predicate = tabularEnv(mdp, { terminal: (s) => s === 0 });
    predicate.setState([1]);
    const r = predicate.step(0);
    expect(r.terminated).toBe(r.obs === 0);
  });

  it("FrozenLake 4x4: episodes end exactly on H or G, with Gymnasium's rewards in expectation", () => {
    const map = FROZEN_LAKE_MAPS["4x4"].join("");
    const env = tabularEnv(frozenLake({ map: "4x4" }), { maxEpisodeSteps: 100 });
    const rng = new Rng(2);
    let goals = 0;
    for (let episode = 0; episode < 300; episode++) {
      let obs = env.reset({ seed: episode }).obs;
      expect(obs).toBe(0);
      for (let t = 0; t < 100; t++) {
        const r = env.step(rng.int(4));
        obs = r.obs;
        expect(r.terminated).toBe(map[obs] === "H" || map[obs] === "G");
        expect(r.truncated).toBe(t === 99);
        if (r.terminated || r.truncated) {
          if (map[obs] === "G") goals++;
          break;
        }
      }
    }
    expect(goals).toBeGreaterThan(0); // a random walk reaches the goal now and then
  });

  it("truncates at the time limit and rejects bad input", () => {
    const env = tabularEnv(small(), { maxEpisodeSteps: 3, terminal: "none" });
    env.reset({ seed: 0 });
    expect([env.step(0).truncated, env.step(0).truncated, env.step(0).truncated]).toEqual([false, false, true]);
    expect(env.observationSpace.n).toBe(3);
    expect(env.actionSpace.n).toBe(2);
    expect(() => env.step(2)).toThrow(ValidationError);
    expect(() => env.setState([3])).toThrow(/state: must be \[s\] with s an integer in \[0, 3\)/);
    expect(() => tabularEnv(small(), { terminal: [5] })).toThrow(/terminal/);
    expect(() => tabularEnv({} as never)).toThrow(/mdp: must be a TabularMdp/);
  });

  it("the same seed gives the same episode; plugs into makeVecEnv (index observations)", () => {
    const mdp = small();
    const run = (): number[] => {
      const env = tabularEnv(mdp, { terminal: "none" });
      const out = [env.reset({ seed: 7 }).obs];
      for (let t = 0; t < 50; t++) out.push(env.step(t % 2).obs);
      return out;
    };
    expect(run()).toEqual(run());
    const vec = makeVecEnv(() => tabularEnv(mdp, { maxEpisodeSteps: 5 }), { numEnvs: 4, seed: 3 });
    expect(vec.obsSize).toBe(1);
    const first = vec.reset();
    for (const s of first.obs) expect([0, 1]).toContain(s);
    for (let t = 0; t < 20; t++) {
      const r = vec.step([0, 1, 0, 1]);
      for (const s of r.obs) expect(Number.isInteger(s) && s >= 0 && s < 3).toBe(true);
    }
  });
});

import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PPO } from "./ppo.js";
import { A2C } from "./a2c.js";
import { ActorCritic } from "./actor-critic.js";
import { ppoLossAndGradients, type PpoMinibatch } from "./ppo-objective.js";
import { evaluatePolicy } from "./evaluate-policy.js";
import { Rng } from "../core/rng.js";
import { f32Block, f64Block, i32Block } from "../core/arena.js";
import { makeEnv } from "../envs/registry.js";
import { ValidationError } from "../core/errors.js";

describe("PPO's whole loss: gradient with respect to every parameter", () => {
  for (const continuous of [false, true]) {
    it(`matches central finite differences on a tiny actor-critic (${continuous ? "Gaussian" : "categorical"}; clip, value clip and entropy active)`, () => {
      const rng = new Rng(5);
      const A = continuous ? 2 : 3;
      const pol = new ActorCritic({ obsSize: 3, nActions: A, continuous, netArch: { pi: [5], vf: [4] }, activation: "tanh", rng });
      // Larger weights than SB3's 0.01 policy gain, so the outputs (and the test) are not trivial.
      pol.store.setParameters(Float32Array.from({ length: pol.store.size }, () => 0.6 * rng.normal()));
      const rows = 10;
      const obs = f32Block(rows * 3, Array.from({ length: rows * 3 }, () => rng.uniform(-2, 2)));
      const actions = continuous
        ? f32Block(rows * A, Array.from({ length: rows * A }, () => rng.uniform(-1.5, 1.5)))
        : i32Block(rows, Array.from({ length: rows }, (_, i) => i % 3));
      pol.logProbForward(obs, rows, actions);
      const lp = pol.logpAct.toArray();
      // Ratios exp(shift): far outside the clip (both sides) or well inside it, never near a kink.
      const shifts = [0.5, -0.5, 0.05, -0.4, 0.3, -0.05, 0.6, 0.02, -0.3, 0.1];
      const logpOld = f32Block(rows, Array.from({ length: rows }, (_, r) => lp[r] - shifts[r]));
      const advantages = f32Block(rows, [1.2, -0.7, 0.4, -1.5, 0.9, 1.1, -0.3, -0.8, 0.6, -1]);
      const values = new Float64Array(rows);
      pol.values(obs, rows, values);
      const vShift = [0.5, -0.5, 0.01, 0.6, -0.02, 0.4, -0.7, 0.03, 0.5, -0.01];
      const oldValues = Float64Array.from(values, (v, r) => v - vShift[r]);
      const returns = Float64Array.from({ length: rows }, () => rng.uniform(-1, 1));
      const mb: PpoMinibatch = { rows, obs, actions, logpOld, advantages, returns, oldValues };
      const opts = { epsilon: 0.2, clipRangeVf: 0.2, entCoef: 0.05, vfCoef: 0.5 };
      const stats = f64Block(4);
      const base = pol.store.parameters();
      const res = ppoLossAndGradients(pol, mb, opts, stats);
      expect(res.clipFraction).toBeGreaterThan(0);
      const grad = pol.store.gradients();
      const h = 2e-3;
      let checked = 0;
      for (let i = 0; i < base.length; i++) {
        const p = base.slice();
        p[i] = base[i] + h;
        pol.store.setParameters(p);
        const up = ppoLossAndGradients(pol, mb, opts, stats).loss;
        p[i] = base[i] - h;
        pol.store.setParameters(p);
        const down = ppoLossAndGradients(pol, mb, opts, stats).loss;
        const fd = (up - down) / (Math.fround(base[i] + h) - Math.fround(base[i] - h));
        expect(Math.abs(grad[i] - fd), `parameter ${i}`).toBeLessThan(3e-4 + 1e-2 * Math.abs(fd));
        if (Math.abs(fd) > 1e-3) checked++;
      }
      expect(checked).toBeGreaterThan(base.length / 2);
      pol.dispose();
    });
  }
});

const tiny = { env: "CartPole-v1", numEnvs: 2, nSteps: 16, batchSize: 8, nEpochs: 2, learningRate: 1e-3 } as const;

describe("PPO training", () => {
  it("is bit-identical for the same seed, and differs for another", async () => {
    const run = async (seed: number) => {
      const agent = new PPO({ ...tiny, seed, normalize: true, entCoef: 0.01, clipRangeVf: 0.5 });
      await agent.learn(320);
      const out = { params: agent.policy.store.parameters(), adam: agent.optimizer.getState().m, steps: agent.numTimesteps };
      agent.dispose();
      return out;
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect(a.steps).toBe(320);
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer))).toBe(true);
    expect(Buffer.from(a.adam.buffer).equals(Buffer.from(b.adam.buffer))).toBe(true);
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(c.params.buffer))).toBe(false);
  });

  it("replays the rollout's activations in each update's first minibatch, bit-identical to recomputing them", async () => {
    for (const extra of [{ env: "CartPole-v1", batchSize: 64 }, { env: "Pendulum-v1", batchSize: 32, normalize: true }] as const) {
      const run = async (replay: boolean) => {
        const agent = new PPO({ ...extra, numEnvs: 4, nSteps: 32, nEpochs: 3, learningRate: 1e-3, entCoef: 0.01, seed: 7 });
        let replays = 0;
        const pol = agent.policy;
        const replayRollout = pol.replayRollout.bind(pol);
        pol.replayRollout = (idx, rows) => (replays++, replayRollout(idx, rows));
        // Without a cache the rollout records nothing and every minibatch runs its forward pass.
        if (!replay) Object.defineProperty(pol, "rolloutCacheRows", { get: () => 0 });
        await agent.learn(512);
        const params = pol.store.parameters();
        agent.dispose();
        return { params, replays };
      };
      const a = await run(true);
      const b = await run(false);
      expect(a.replays).toBe(4);
      expect(b.replays).toBe(0);
      expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer)), extra.env).toBe(true);
    }
  });

  it("A2C replays the rollout's activations in every update, bit-identical to recomputing them", async () => {
    for (const extra of [{ env: "CartPole-v1" }, { env: "Pendulum-v1", normalize: true }] as const) {
      const run = async (replay: boolean) => {
        const agent = new A2C({ ...extra, numEnvs: 8, nSteps: 5, entCoef: 0.01, seed: 5 });
        let replays = 0;
        const pol = agent.policy;
        const replayRollout = pol.replayRollout.bind(pol);
        pol.replayRollout = (idx, rows) => (replays++, replayRollout(idx, rows));
        if (!replay) Object.defineProperty(pol, "rolloutCacheRows", { get: () => 0 });
        await agent.learn(400);
        const params = pol.store.parameters();
        agent.dispose();
        return { params, replays };
      };
      const a = await run(true);
      const b = await run(false);
      expect(a.replays).toBe(10);
      expect(b.replays).toBe(0);
      expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer)), extra.env).toBe(true);
    }
  });

  it("runs a few thousand steps without NaN, reports CleanRL metrics, logs JSONL and stops on a callback", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mirror-ppo-"));
    const logFile = join(dir, "log.jsonl");
    const agent = new PPO({ env: "Acrobot-v1", numEnvs: 4, nSteps: 64, batchSize: 64, nEpochs: 2, normalize: true, targetKl: 0.01, seed: 1 });
    const seen: number[] = [];
    await agent.learn(4000, {
      logFile,
      callback: (info) => {
        seen.push(info.timesteps);
        for (const key of ["losses/approx_kl", "losses/clipfrac", "losses/value_loss", "losses/policy_loss", "losses/entropy", "charts/learning_rate", "charts/SPS"]) {
          expect(Number.isFinite(info.metrics[key]), key).toBe(true);
        }
        expect(info.sps).toBeGreaterThan(0);
      },
    });
    expect(seen.at(-1)).toBe(4096);
    expect(Array.from(agent.policy.store.parameters()).every(Number.isFinite)).toBe(true);
    const lines = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBe(16);
    expect(lines[0].global_step).toBe(256);
    expect(typeof lines[0]["losses/approx_kl"]).toBe("number");
    // Acrobot episodes last 500 steps at first: by 4096 steps some have ended.
    expect(agent.recentReturn).toBeLessThan(0);
    let calls = 0;
    await agent.learn(10_000, { callback: () => (++calls < 2) });
    expect(calls).toBe(2);
    expect(agent.numTimesteps).toBe(2 * 256);
    agent.dispose();
  });

  it("predict: a number for one observation, an Int32Array for rows; checks the shape", async () => {
    const agent = new PPO({ ...tiny, seed: 2 });
    const one = agent.predict([0.01, 0.02, -0.03, 0.04], { deterministic: true });
    expect(typeof one).toBe("number");
    const many = agent.predict(new Float32Array(12), { deterministic: true, batch: true });
    expect(many).toBeInstanceOf(Int32Array);
    expect(many.length).toBe(3);
    expect(() => agent.predict([1, 2, 3])).toThrow(ValidationError);
    expect(() => new PPO({ ...tiny, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new PPO({ ...tiny, learningRate: "cos_1e-3" })).toThrow(/lin_/);
    agent.dispose();
  });

  it("smoke: the zoo's CartPole config learns to balance in 3e4 steps", async () => {
    const agent = new PPO({
      env: "CartPole-v1", numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8,
      learningRate: "lin_1e-3", clipRange: "lin_0.2", entCoef: 0, seed: 0,
    });
    // learn() yields to the event loop between updates (~every 50 ms): a timer set now fires before it ends.
    let timerRan = false;
    let timerRanDuringLearn = false;
    setTimeout(() => (timerRan = true), 0);
    await agent.learn(30_000, { callback: () => void (timerRanDuringLearn ||= timerRan) });
    expect(timerRanDuringLearn).toBe(true);
    const ev = evaluatePolicy(agent, makeEnv("CartPole-v1"), { episodes: 10, deterministic: true, seed: 100 });
    expect(ev.returns.length).toBe(10);
    expect(ev.mean).toBeGreaterThanOrEqual(150);
    agent.dispose();
  });
});

describe("continuous actions (Box, diagonal Gaussian)", () => {
  it("PPO and A2C run on Pendulum without NaN; predict gives clipped action vectors", async () => {
    const ppo = new PPO({ env: "Pendulum-v1", numEnvs: 2, nSteps: 64, batchSize: 32, nEpochs: 2, entCoef: 0.01, normalize: true, seed: 3 });
    await ppo.learn(1024);
    expect(Array.from(ppo.policy.store.parameters()).every(Number.isFinite)).toBe(true);
    const a = ppo.predict([1, 0, 0.5]) as Float32Array;
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(1);
    const many = ppo.predict(new Float32Array(3 * 50).fill(0.3)) as Float32Array;
    expect(many.length).toBe(50);
    for (const v of many) expect(Math.abs(v)).toBeLessThanOrEqual(2);
    const back = PPO.load(ppo.save());
    expect(Array.from(back.predict([0.2, 0.9, -1], { deterministic: true }) as Float32Array)).toEqual(
      Array.from(ppo.predict([0.2, 0.9, -1], { deterministic: true }) as Float32Array),
    );
    const ev = evaluatePolicy(ppo, "Pendulum-v1", { episodes: 1 });
    expect(ev.lengths[0]).toBe(200);
    ppo.dispose();
    back.dispose();
    const a2c = new A2C({ env: "Pendulum-v1", numEnvs: 2, seed: 3 });
    await a2c.learn(500);
    expect(Array.from(a2c.policy.store.parameters()).every(Number.isFinite)).toBe(true);
    a2c.dispose();
  });
});

describe("A2C training", () => {
  it("runs on CartPole without NaN with RMSprop and with Adam, deterministically", async () => {
    const run = async (useRmsProp: boolean) => {
      const agent = new A2C({ env: "CartPole-v1", numEnvs: 4, useRmsProp, entCoef: 0.01, seed: 7 });
      let last = 0;
      await agent.learn(3000, { callback: (i) => { last = i.metrics["losses/value_loss"]; } });
      expect(Number.isFinite(last)).toBe(true);
      const p = agent.policy.store.parameters();
      expect(Array.from(p).every(Number.isFinite)).toBe(true);
      agent.dispose();
      return p;
    };
    const a = await run(true);
    const b = await run(true);
    const c = await run(false);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });
});

describe("rollouts bootstrap on truncation, not on termination", () => {
  it("stores V(final obs) only for copies cut by the time limit", async () => {
    const collect = async (maxEpisodeSteps: number) => {
      const agent = new PPO({ env: () => makeEnv("CartPole-v1", { maxEpisodeSteps }), numEnvs: 2, nSteps: 40, batchSize: 40, nEpochs: 1, seed: 1 });
      await agent.learn(80);
      const buf = (agent as unknown as { buffer: { gae: { ended: { view: Float64Array }; boot: { view: Float64Array } } } }).buffer;
      const ended = buf.gae.ended.view.slice();
      const boot = buf.gae.boot.view.slice();
      agent.dispose();
      return { ended, boot };
    };
    // A 5-step limit: a random CartPole policy never falls that fast, so every end is a truncation.
    const short = await collect(5);
    let truncations = 0;
    for (let i = 0; i < short.ended.length; i++) {
      const t = Math.floor(i / 2);
      expect(short.ended[i]).toBe(t % 5 === 4 ? 1 : 0);
      if (short.ended[i]) {
        truncations++;
        expect(short.boot[i]).not.toBe(0);
      } else expect(short.boot[i]).toBe(0);
    }
    expect(truncations).toBe(16);
    // No limit within reach: every end is a fall (termination), bootstrapped from 0.
    const long = await collect(500);
    let terminations = 0;
    for (let i = 0; i < long.ended.length; i++) {
      if (long.ended[i]) terminations++;
      expect(long.boot[i]).toBe(0);
    }
    expect(terminations).toBeGreaterThan(0);
  });
});

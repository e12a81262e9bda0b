// Action masking in the on-policy agents (Huang & Ontañón 2022; SB3-contrib's
// MaskablePPO): on "pick a legal arm", where an illegal arm ends the episode
// with a large penalty, masked PPO and A2C never take an illegal action in
// training or evaluation and learn the best legal arm, while an unmasked run
// does take illegal actions (so the test can fail). Training recomputes
// log-probabilities under the stored masks; predict takes masks; bad masks
// are ValidationErrors naming where they came from.
import { describe, expect, it } from "vitest";
import { PPO } from "./ppo.js";
import { A2C } from "./a2c.js";
import { ActorCritic } from "./actor-critic.js";
import { ppoLossAndGradients, type PpoMinibatch } from "./ppo-objective.js";
import { evaluatePolicy } from "./evaluate-policy.js";
import { Block, f32Block, f64Block, i32Block } from "../core/arena.js";
import { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";
import { SyncVecEnv } from "../envs/sync-vec-env.js";
import type { VecEnv } from "../envs/env.js";
import { LegalArmsEnv, type LegalArmsOptions } from "../../test/helpers/legal-arms.js";
import type { Metrics } from "./logger.js";
import { RolloutBuffer } from "../returns/rollout-buffer.js";

/** A factory of LegalArms environments that keeps them, to count illegal actions. */
function arms(o: LegalArmsOptions = {}): { factory: () => LegalArmsEnv; envs: LegalArmsEnv[]; illegal: () => number; actions: () => number } {
  const envs: LegalArmsEnv[] = [];
  return {
    factory: () => {
      const e = new LegalArmsEnv(o);
      envs.push(e);
      return e;
    },
    envs,
    illegal: () => envs.reduce((s, e) => s + e.illegal, 0),
    actions: () => envs.reduce((s, e) => s + e.actions, 0),
  };
}

const PPO_ARMS = { numEnvs: 4, nSteps: 64, batchSize: 64, nEpochs: 4, learningRate: 3e-3, gamma: 0.9 } as const;
const A2C_ARMS = { numEnvs: 4, nSteps: 8, learningRate: 3e-3, gamma: 0.9 } as const;

describe("masked learning on 'pick a legal arm' (illegal arm: episode ends with reward -10)", () => {
  for (const [name, make] of [
    ["PPO", (env: () => LegalArmsEnv) => new PPO({ env, ...PPO_ARMS, seed: 1 })],
    ["A2C", (env: () => LegalArmsEnv) => new A2C({ env, ...A2C_ARMS, seed: 1 })],
  ] as const) {
    it(`${name} with masks never takes an illegal action, in training or evaluation, and learns the best legal arm`, async () => {
      const run = arms();
      const agent = make(run.factory);
      await agent.learn(20_000);
      expect(run.actions()).toBeGreaterThan(20_000); // the checkEnv run at construction included
      expect(run.illegal()).toBe(0);
      for (const deterministic of [true, false]) {
        const ev = new LegalArmsEnv();
        const r = evaluatePolicy(agent, ev, { episodes: 30, deterministic, seed: 7 });
        expect(ev.illegal).toBe(0);
        expect(r.lengths.every((l) => l === ev.maxEpisodeSteps)).toBe(true);
        // The best policy takes the highest legal arm; a uniformly random legal arm earns about 0.73 of it here.
        if (deterministic) expect(r.mean).toBeGreaterThan(0.95 * ev.optimalReturn());
      }
      agent.dispose();
    });
  }

  it("without masks the same training takes illegal actions (the test above can fail)", async () => {
    for (const make of [
      (env: () => LegalArmsEnv) => new PPO({ env, ...PPO_ARMS, seed: 1 }),
      (env: () => LegalArmsEnv) => new A2C({ env, ...A2C_ARMS, seed: 1 }),
    ]) {
      const run = arms({ masks: false });
      const agent = make(run.factory);
      await agent.learn(20_000);
      expect(run.illegal()).toBeGreaterThan(100);
      agent.dispose();
    }
  });

  it("training recomputes log-probabilities under the rollout's masks: with learning rate 0 the ratio stays 1", async () => {
    for (const masks of [true, false]) {
      const run = arms({ masks });
      const agent = new PPO({ env: run.factory, ...PPO_ARMS, learningRate: 0, nEpochs: 1, seed: 3 });
      const metrics: Metrics[] = [];
      await agent.learn(256, { callback: (info) => void metrics.push(info.metrics) });
      expect(metrics).toHaveLength(1);
      expect(Math.abs(metrics[0]["losses/approx_kl"])).toBeLessThan(1e-6);
      expect(metrics[0]["losses/clipfrac"]).toBe(0);
      // Entropy over the legal actions only: below log(6) when masked (near-uniform initial policy).
      const h = metrics[0]["losses/entropy"];
      if (masks) expect(h).toBeLessThan(Math.log(6) - 0.3);
      else expect(h).toBeCloseTo(Math.log(6), 3);
      agent.dispose();
    }
  });

  it("the rollout buffer holds the masks the actions were sampled under; unmasked log-probabilities differ", async () => {
    class Probe extends PPO {
      check(): { masked: number; unmasked: number } {
        const masks = this.rolloutMasks()!;
        const buf = this.buffer;
        const n = buf.size;
        this.policy.logProbForward(buf.obs, n, buf.actions as Block<"i32">, masks);
        const masked = this.policy.logpAct.toArray();
        this.policy.logProbForward(buf.obs, n, buf.actions as Block<"i32">);
        const unmasked = this.policy.logpAct.toArray();
        const old = buf.logp.toArray();
        const m = buf.masks!.toArray();
        let dm = 0, du = 0;
        for (let i = 0; i < n; i++) {
          dm = Math.max(dm, Math.abs(masked[i] - old[i]));
          du = Math.max(du, Math.abs(unmasked[i] - old[i]));
          // Every stored action is legal under its stored mask.
          expect(m[i * this.nActions + (buf.actions.view as Int32Array)[i]]).toBe(1);
        }
        return { masked: dm, unmasked: du };
      }
    }
    const run = arms();
    const agent = new Probe({ env: run.factory, ...PPO_ARMS, learningRate: 0, seed: 2 });
    await agent.learn(256);
    const d = agent.check();
    expect(d.masked).toBeLessThan(1e-6);
    expect(d.unmasked).toBeGreaterThan(0.3);
    agent.dispose();
  });
});

describe("PPO's whole loss under masks", () => {
  it("matches central finite differences, and illegal logits get no gradient", () => {
    const rng = new Rng(8);
    const A = 4;
    const pol = new ActorCritic({ obsSize: 3, nActions: A, netArch: { pi: [5], vf: [4] }, activation: "tanh", rng });
    pol.store.setParameters(Float32Array.from({ length: pol.store.size }, () => 0.6 * rng.normal()));
    const rows = 8;
    const mask = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1];
    const acts = [2, 1, 3, 2, 0, 2, 1, 3];
    const obs = f32Block(rows * 3, Array.from({ length: rows * 3 }, () => rng.uniform(-2, 2)));
    const actions = i32Block(rows, acts);
    const masks = new Block("u8", rows * A).set(mask);
    pol.logProbForward(obs, rows, actions, masks);
    const lp = pol.logpAct.toArray();
    const shifts = [0.5, -0.5, 0.05, -0.4, 0.3, -0.05, 0.6, 0.1];
    const logpOld = f32Block(rows, Array.from({ length: rows }, (_, r) => lp[r] - shifts[r]));
    const values = pol.values(obs, rows, new Float64Array(rows));
    const mb: PpoMinibatch = {
      rows, obs, actions, masks, logpOld, advantages: f32Block(rows, [1.2, -0.7, 0.4, -1.5, 0.9, 1.1, -0.3, -0.8]),
      returns: Float64Array.from({ length: rows }, () => rng.uniform(-1, 1)), oldValues: values,
    };
    const opts = { epsilon: 0.2, entCoef: 0.05, vfCoef: 0.5 };
    const stats = f64Block(4);
    const base = pol.store.parameters();
    ppoLossAndGradients(pol, mb, opts, stats);
    // The head's gradient: zero exactly at illegal logits.
    const dl = pol.dLogits.toArray();
    for (let i = 0; i < rows * A; i++) if (!mask[i]) expect(dl[i]).toBe(0);
    const grad = pol.store.gradients();
    const h = 2e-3;
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
    }
    pol.dispose();
  });
});

describe("predict with actionMask", () => {
  it("takes legal actions only, for one observation and for rows; checks the mask", async () => {
    const run = arms();
    const agent = new PPO({ env: run.factory, ...PPO_ARMS, seed: 4 });
    const obs = [1, 1, 1, 1, 1, 1];
    for (let i = 0; i < 200; i++) {
      expect(agent.predict(obs, { actionMask: [0, 1, 0, 0, 1, 0] })).toSatisfy((a: number) => a === 1 || a === 4);
    }
    expect(agent.predict(obs, { actionMask: [false, false, true, false, false, false], deterministic: true })).toBe(2);
    const rows = [obs, obs, obs];
    const masks = [[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1], [0, 0, 1, 1, 0, 0]];
    for (let i = 0; i < 50; i++) {
      const a = agent.predict(rows, { actionMask: masks });
      expect(a[0]).toBe(0);
      expect(a[1]).toBe(5);
      expect([2, 3]).toContain(a[2]);
      expect(Array.from(agent.predict(rows, { actionMask: masks.flat() }))).toHaveLength(3);
    }
    expect(() => agent.predict(obs, { actionMask: [1, 0, 1] })).toThrow(/actionMask: wrong length: expected the number of actions = 6/);
    expect(() => agent.predict(obs, { actionMask: [0, 0, 0, 0, 0, 0] })).toThrow(/actionMask: allows no action .* at row 0/);
    expect(() => agent.predict(obs, { actionMask: [1, 2, 0, 0, 0, 0] })).toThrow(/actionMask: entries must be true\/false or 1\/0 .*\(got 2\) at action 1/);
    expect(() => agent.predict(rows, { actionMask: masks.slice(0, 2) })).toThrow(ValidationError);
    expect(() => agent.predict(rows, { actionMask: [masks[0], masks[1], [0, 0, 0, 0, 0, 0]] })).toThrow(/at row 2/);
    agent.dispose();
    const box = new PPO({ env: "Pendulum-v1", nSteps: 64, batchSize: 64, seed: 0 });
    expect(() => box.predict([1, 0, 0], { actionMask: [1] })).toThrow(/actionMask: action masks need a Discrete action space/);
    box.dispose();
  });
});

describe("masks from vector environments", () => {
  it("a VecEnv's actionMasks() row with no legal action is a ValidationError naming the env, step and row", async () => {
    const inner = new SyncVecEnv([new LegalArmsEnv(), new LegalArmsEnv()]);
    let calls = 0;
    const vec: VecEnv = {
      id: inner.id, numEnvs: 2, observationSpace: inner.observationSpace, actionSpace: inner.actionSpace, obsSize: inner.obsSize,
      actionSize: inner.actionSize, maxEpisodeSteps: inner.maxEpisodeSteps,
      reset: (o) => inner.reset(o), step: (a, out) => inner.step(a, out), createStepResult: () => inner.createStepResult(),
      elapsedSteps: () => inner.elapsedSteps(), close: () => inner.close(),
      // Masks as an array of rows from the sixth step on.
      actionMasks: () => (++calls > 5 ? [[1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]] : undefined),
    };
    const agent = new PPO({ env: vec, nSteps: 16, batchSize: 16, seed: 0 });
    await expect(agent.learn(64)).rejects.toThrow(/actionMasks\(\): allows no action .* at env LegalArms, step 10, row 1/);
    agent.dispose();
  });

  it("masks come and go: rows of steps without masks are all legal; a rollout without any has none", () => {
    const buf = new RolloutBuffer(3, 2, 1);
    const z = [0, 0];
    buf.add(z, z, z, z, z, z, z);
    expect(buf.masked).toBe(false);
    buf.add(z, [1, 0], z, z, z, z, z, [0, 1, 1, 1, 0, 0]);
    buf.add(z, z, z, z, z, z, z);
    expect(buf.masked).toBe(true);
    expect(Array.from(buf.masks!.view)).toEqual([1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
    buf.reset();
    expect(buf.masked).toBe(false);
    buf.add(z, z, z, z, z, z, z);
    expect(buf.masked).toBe(false);
    expect(() => buf.add(z, z, z, z, z, z, z, [1, 1])).toThrow(/masks: must hold numEnvs x actionCount = 6 values/);
    buf.dispose();
  });

  it("an environment that masks only some episodes trains (unmasked steps are all legal)", async () => {
    let episode = 0;
    class Sometimes extends LegalArmsEnv {
      override reset(o = {}) {
        const r = super.reset(o);
        return ++episode % 2 ? r : { obs: r.obs, info: {} };
      }
    }
    const agent = new PPO({ env: () => new Sometimes({ length: 5 }), ...PPO_ARMS, seed: 5 });
    const metrics: Metrics[] = [];
    await agent.learn(1024, { callback: (info) => void metrics.push(info.metrics) });
    for (const m of metrics) expect(Number.isFinite(m["losses/approx_kl"]) && Number.isFinite(m["losses/entropy"])).toBe(true);
    agent.dispose();
  });
});

/**
 * Generalised state-dependent exploration in the agents: PPO's whole loss
 * against finite differences through a gSDE actor-critic, the features'
 * gradient with and without learnFeatures, the noise schedule, determinism,
 * save/load, and the config checks.
 */
import { describe, expect, it } from "vitest";
import { PPO } from "./ppo.js";
import { A2C } from "./a2c.js";
import { ActorCritic } from "./actor-critic.js";
import { ppoLossAndGradients, type PpoMinibatch } from "./ppo-objective.js";
import { resolveSde, SdeExploration } from "./sde.js";
import { Rng } from "../core/rng.js";
import { f32Block, f64Block } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { sdeLogProbTwin } from "../nn/sde.twin.js";

type SdeOptions = { fullStd?: boolean; useExpln?: boolean; learnFeatures?: boolean };

function tinyPolicy(sde: SdeOptions, seed = 5) {
  const rng = new Rng(seed);
  const pol = new ActorCritic({
    obsSize: 3, nActions: 2, continuous: true, netArch: { pi: [5], vf: [4] }, activation: "tanh", rng, sde, logStdInit: -0.5,
  });
  // Larger weights than SB3's 0.01 policy gain, and log-stds on both sides of 0 (expln's two branches).
  pol.store.setParameters(Float32Array.from({ length: pol.store.size }, () => 0.6 * rng.normal()));
  const ls = pol.logStd!.view;
  for (let i = 0; i < ls.length; i++) ls[i] = i % 2 ? 0.3 + 0.1 * (i % 3) : -0.4 - 0.1 * (i % 3);
  return { pol, rng };
}

describe("PPO's whole loss with gSDE: gradient with respect to every parameter", () => {
  const variants: SdeOptions[] = [
    { learnFeatures: true },
    { learnFeatures: true, fullStd: false, useExpln: true },
    { learnFeatures: false },
  ];
  for (const sde of variants) {
    it(`matches central finite differences (${JSON.stringify(sde)}; clip, value clip and entropy active)`, () => {
      const { pol, rng } = tinyPolicy(sde);
      const rows = 10;
      const A = 2;
      const obs = f32Block(rows * 3, Array.from({ length: rows * 3 }, () => rng.uniform(-2, 2)));
      const actions = f32Block(rows * A, Array.from({ length: rows * A }, () => rng.uniform(-1.5, 1.5)));
      pol.logProbForward(obs, rows, actions);
      const lp = pol.logpAct.toArray();
      const ent = pol.entropy.toArray();
      // The entropy depends on the state with gSDE.
      expect(new Set(Array.from(ent)).size).toBeGreaterThan(1);
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
      ppoLossAndGradients(pol, mb, opts, stats);
      const grad = pol.store.gradients();
      // Without learnFeatures the actor's hidden layer sees only the means' gradient: finite differences
      // (which move sigma(s) through z(s) too) do not apply there; the next test checks that case.
      const hidden = pol.actor.layers[0];
      const skip = (i: number) => !sde.learnFeatures && i >= pol.actor.slice.offset && i < pol.actor.slice.offset + hidden.nIn * hidden.nOut + hidden.nOut;
      const h = 2e-3;
      let checked = 0;
      let worst = 0;
      for (let i = 0; i < base.length; i++) {
        if (skip(i)) continue;
        const p = base.slice();
        p[i] = base[i] + h;
        pol.store.setParameters(p);
        const up = ppoLossAndGradients(pol, mb, opts, stats).loss;
        p[i] = base[i] - h;
        pol.store.setParameters(p);
        const down = ppoLossAndGradients(pol, mb, opts, stats).loss;
        const fd = (up - down) / (Math.fround(base[i] + h) - Math.fround(base[i] - h));
        worst = Math.max(worst, Math.abs(grad[i] - fd) / (3e-4 + 1e-2 * Math.abs(fd)));
        if (Math.abs(fd) > 1e-3) checked++;
      }
      expect(worst).toBeLessThan(1);
      expect(checked).toBeGreaterThan(base.length / 3);
      // The log-std parameter is L x D (or L) and gets gradient.
      expect(pol.logStd!.length).toBe(sde.fullStd === false ? 5 : 10);
      pol.dispose();
    });
  }

  it("without learnFeatures the features' gradient is the means' alone (finite differences with sigma's features frozen)", () => {
    const variants = [false, true].map((learnFeatures) => tinyPolicy({ learnFeatures }, 8));
    const rows = 6;
    const rng = new Rng(2);
    const obsValues = Array.from({ length: rows * 3 }, () => rng.uniform(-2, 2));
    const actValues = Array.from({ length: rows * 2 }, () => rng.uniform(-1.5, 1.5));
    const g = Array.from({ length: rows }, () => rng.uniform(-1, 1));
    const grads = variants.map(({ pol }) => {
      const obs = f32Block(rows * 3, obsValues);
      const actions = f32Block(rows * 2, actValues);
      pol.logProbForward(obs, rows, actions);
      pol.gLogp.view.set(g);
      pol.store.zeroGrad();
      pol.logProbBackward(rows, actions, 0);
      return pol.store.gradients();
    });
    const { pol } = variants[0];
    const shape = { latentDim: 5, actionDim: 2, fullStd: true, useExpln: false };
    const forward = () => {
      const mean = pol.actor.forward(obsValues, rows).toArray();
      return { mean, latent: pol.actor.lastHidden.toArray() };
    };
    const frozen = forward().latent;
    const logStd = pol.logStd!.view.slice();
    // sum_r g_r log pi_r with sigma(s) from the features at the base parameters.
    const objective = () => {
      const { mean } = forward();
      const lp = sdeLogProbTwin(mean, frozen, logStd, actValues, rows, shape).logp;
      return lp.reduce((s, v, r) => s + g[r] * v, 0);
    };
    const base = pol.store.parameters();
    const hidden = pol.actor.layers[0];
    const h = 2e-3;
    let differs = 0;
    for (let i = pol.actor.slice.offset; i < pol.actor.slice.offset + hidden.nIn * hidden.nOut + hidden.nOut; i++) {
      const p = base.slice();
      p[i] = base[i] + h;
      pol.store.setParameters(p);
      const up = objective();
      p[i] = base[i] - h;
      pol.store.setParameters(p);
      const down = objective();
      const fd = (up - down) / (Math.fround(base[i] + h) - Math.fround(base[i] - h));
      expect(Math.abs(grads[0][i] - fd), `parameter ${i}`).toBeLessThan(3e-4 + 1e-2 * Math.abs(fd));
      if (Math.abs(grads[1][i] - grads[0][i]) > 1e-3) differs++;
    }
    // learnFeatures adds the sigma path: the hidden layer's gradients change.
    expect(differs).toBeGreaterThan(0);
    for (const v of variants) v.pol.dispose();
  });
});

describe("gSDE noise schedule", () => {
  it("new matrices at the rollout's start and every sdeSampleFreq steps (only at the start with -1)", () => {
    for (const [freq, expected] of [[4, [0, 4, 8]], [-1, [0]], [0, [0]], [3, [0, 3, 6, 9]]] as const) {
      const x = new SdeExploration(resolveSde({ useSde: true, sdeSampleFreq: freq }), 2, 3, 1);
      const rng = new Rng(1);
      const drawn: number[] = [];
      let last = x.rollout.xi.slice();
      for (let t = 0; t < 10; t++) {
        x.beforeStep(t, rng);
        if (x.rollout.xi.some((v, i) => v !== last[i])) drawn.push(t);
        last = x.rollout.xi.slice();
      }
      expect(drawn).toEqual(expected);
    }
  });

  it("rollout actions are the means plus z^T theta of the copy's matrix, constant theta between draws", async () => {
    // Learning rate 0: the parameters after the update are the rollout's.
    const agent = new PPO({ env: "Pendulum-v1", numEnvs: 2, nSteps: 8, batchSize: 8, nEpochs: 1, useSde: true, sdeSampleFreq: 4, learningRate: 0, seed: 3 });
    await agent.learn(16);
    const buf = (agent as unknown as { buffer: { obs: { view: Float32Array }; actions: { view: Float32Array } } }).buffer;
    const obs = buf.obs.view.slice(0, 16 * 3);
    const acts = buf.actions.view.slice(0, 16);
    const pol = agent.policy;
    const mean = pol.actor.forward(obs, 16).toArray();
    const z = pol.actor.lastHidden.toArray();
    const L = 64;
    const std = pol.sde!.std;
    const xi = (agent as unknown as { sde: SdeExploration }).sde.rollout.xi;
    // The last window (steps 4..7) used the current matrices: row t * 2 + e explored with copy e's.
    for (let t = 4; t < 8; t++) {
      for (let e = 0; e < 2; e++) {
        const r = t * 2 + e;
        let noise = 0;
        for (let j = 0; j < L; j++) noise += z[r * L + j] * std[j] * xi[e * L + j];
        expect(acts[r]).toBeCloseTo(mean[r] + noise, 4);
      }
    }
    agent.dispose();
  });
});

describe("gSDE agents", () => {
  const cfg = { env: "Pendulum-v1", numEnvs: 2, nSteps: 32, batchSize: 16, nEpochs: 2, useSde: true, sdeSampleFreq: 4, seed: 11 } as const;

  it("PPO and A2C train without NaN, bit-identically for a seed, differently for another", async () => {
    const a2cCfg = { env: "Pendulum-v1", numEnvs: 2, nSteps: 8, useSde: true, sdeSampleFreq: 4, seed: 11 } as const;
    for (const [Agent, config] of [[PPO, cfg], [A2C, a2cCfg]] as const) {
      const run = async (seed: number, extra: object = {}) => {
        const a = new Agent({ ...config, ...extra, seed } as never);
        await a.learn(256);
        const bytes = a.save();
        expect(Array.from(a.policy.store.parameters()).every(Number.isFinite)).toBe(true);
        a.dispose();
        return Buffer.from(bytes).toString("base64");
      };
      const a = await run(11);
      expect(await run(11)).toBe(a);
      expect(await run(12)).not.toBe(a);
      // Each setting changes training.
      for (const extra of [{ sdeSampleFreq: -1 }, { fullStd: false }, { useExpln: true }, { learnFeatures: true }, { logStdInit: -1 }]) {
        expect(await run(11, extra)).not.toBe(a);
      }
    }
  });

  it("save/load: same predictions (also stochastic, from the saved noise matrix), and the same training afterwards", async () => {
    const agent = new PPO(cfg);
    await agent.learn(128);
    const obs = Float32Array.from({ length: 3 * 5 }, (_, i) => Math.sin(i));
    const first = agent.predict(obs, { batch: true }) as Float32Array;
    const back = PPO.load(agent.save());
    for (const deterministic of [true, false]) {
      expect(Array.from(back.predict(obs, { batch: true, deterministic }) as Float32Array)).toEqual(
        Array.from(agent.predict(obs, { batch: true, deterministic }) as Float32Array),
      );
    }
    // One matrix for predict: the same observation gets the same noisy action until resetNoise.
    expect(Array.from(agent.predict(obs, { batch: true }) as Float32Array)).toEqual(Array.from(first));
    agent.resetNoise();
    expect(Array.from(agent.predict(obs, { batch: true }) as Float32Array)).not.toEqual(Array.from(first));
    back.resetNoise();
    // A new learn() resets the environments and draws every rollout's matrices from the saved action stream.
    await agent.learn(128);
    await back.learn(128);
    expect(Buffer.from(back.save()).equals(Buffer.from(agent.save()))).toBe(true);
    const a2cCfg = { env: "Pendulum-v1", numEnvs: 2, useSde: true, sdeSampleFreq: 4, learnFeatures: true, useExpln: true, seed: 1 } as const;
    const a2c = new A2C(a2cCfg);
    const a2cBack = A2C.load(a2c.save());
    expect((a2cBack as unknown as { sdeSettings: object }).sdeSettings).toEqual(resolveSde(a2cCfg));
    a2c.dispose();
    a2cBack.dispose();
    agent.dispose();
    back.dispose();
  });

  it("logStdInit starts every log-std there, with and without gSDE", () => {
    const plain = new PPO({ env: "Pendulum-v1", logStdInit: -2, seed: 1 });
    expect(Array.from(plain.policy.logStd!.view)).toEqual([-2]);
    const sde = new A2C({ env: "Pendulum-v1", useSde: true, logStdInit: -2, netArch: [8, 6], fullStd: false, seed: 1 });
    expect(Array.from(sde.policy.logStd!.view)).toEqual(new Array(6).fill(-2));
    expect(PPO.load(plain.save()).policy.logStd!.view[0]).toBe(-2);
    plain.dispose();
    sde.dispose();
  });

  it("config errors name the field and the value", () => {
    const bad: [object, RegExp][] = [
      [{ env: "CartPole-v1", useSde: true }, /useSde.*Box/],
      [{ env: "Pendulum-v1", useSde: "yes" }, /useSde/],
      [{ env: "Pendulum-v1", useSde: true, sdeSampleFreq: 2.5 }, /sdeSampleFreq/],
      [{ env: "Pendulum-v1", useSde: true, sdeSampleFreq: -2 }, /sdeSampleFreq/],
      [{ env: "Pendulum-v1", logStdInit: NaN }, /logStdInit/],
      [{ env: "Pendulum-v1", logStdInit: 100 }, /logStdInit/],
      [{ env: "Pendulum-v1", useSde: true, fullStd: 1 }, /fullStd/],
      [{ env: "Pendulum-v1", useExpln: null }, /useExpln/],
      [{ env: "Pendulum-v1", use_sde: true }, /useSde/],
      [{ env: "Pendulum-v1", sde_sample_freq: 4 }, /sdeSampleFreq/],
    ];
    for (const [config, message] of bad) {
      for (const Agent of [PPO, A2C] as const) {
        expect(() => new Agent(config as never)).toThrow(ValidationError);
        expect(() => new Agent(config as never)).toThrow(message);
      }
    }
    // As SB3: the gSDE-only settings are ignored without useSde.
    const off = new PPO({ env: "Pendulum-v1", sdeSampleFreq: 4, fullStd: false, useExpln: true, learnFeatures: true, seed: 0 });
    expect(off.policy.sde).toBeUndefined();
    expect(off.policy.logStd!.length).toBe(1);
    expect(() => off.resetNoise()).toThrow(/useSde/);
    off.dispose();
  });
});

describe("gSDE settings: hostile values", () => {
  it("any value of the gSDE keys either trains or is a ValidationError naming one of them", async () => {
    const fc = (await import("fast-check")).default;
    const value = fc.constantFrom<unknown>(
      -2, -1, 0, 0.5, 1, 3, 4, 21, -20, 1e9, NaN, Infinity, -Infinity, "4", "", true, false, null, [], {}, () => 1,
    );
    const key = fc.constantFrom("useSde", "sdeSampleFreq", "logStdInit", "fullStd", "useExpln", "learnFeatures");
    const seen = { ok: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), fc.dictionary(key, value, { maxKeys: 3 }), async (isPpo, sde, extra) => {
        const base = isPpo
          ? { env: "Pendulum-v1", numEnvs: 2, nSteps: 8, batchSize: 8, nEpochs: 1, seed: 3 }
          : { env: "Pendulum-v1", numEnvs: 2, nSteps: 8, seed: 3 };
        const config = { ...base, ...(sde ? { useSde: true } : {}), ...extra };
        try {
          const agent = isPpo ? new PPO(config as never) : new A2C(config as never);
          await agent.learn(16);
          expect(Array.from(agent.policy.store.parameters()).every(Number.isFinite)).toBe(true);
          agent.dispose();
          seen.ok++;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          expect(["useSde", "sdeSampleFreq", "logStdInit", "fullStd", "useExpln", "learnFeatures"]).toContain(error.field);
          expect(error.message.startsWith(`${error.field}: `)).toBe(true);
          seen.invalid++;
        }
      }),
      { numRuns: 120, seed: 7 },
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.invalid).toBeGreaterThan(10);
  });
});

import { describe, expect, it } from "vitest";
import { NPG } from "./npg.js";
import { ValidationError } from "../core/errors.js";
import { randomMdp } from "../mdp/generators/random-mdp.js";
import { evaluate } from "../evaluation/evaluate.js";
import { policyIteration } from "../planning/policy-iteration.js";
import { tabularEnv } from "../envs/tabular-env.js";
import { Box } from "../envs/spaces.js";
import type { Action, Env, ResetOptions } from "../envs/env.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";

/** A tabular MDP with one-hot observations (Box(S)), for a tabular softmax policy (netArch []). */
function oneHotEnv(mdp: TabularMdp, maxEpisodeSteps: number): Env<Float32Array> {
  const inner = tabularEnv(mdp, { maxEpisodeSteps, terminal: "none" });
  const S = mdp.S;
  const encode = (s: number): Float32Array => {
    const x = new Float32Array(S);
    x[s] = 1;
    return x;
  };
  return {
    id: "OneHotTabular",
    observationSpace: new Box(0, 1, { shape: [S] }),
    actionSpace: inner.actionSpace,
    maxEpisodeSteps,
    reset: (o?: ResetOptions) => ({ obs: encode(inner.reset(o).obs), info: {} }),
    step: (a: Action) => {
      const r = inner.step(a);
      return { ...r, obs: encode(r.obs) };
    },
  };
}

/** pi(a|s) of an agent with one-hot observations, S x A, renormalised in f64. */
function agentPolicy(agent: NPG, S: number, A: number): Float64Array {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    const x = new Float32Array(S);
    x[s] = 1;
    agent.policy.distribution(x, 1);
    let z = 0;
    for (let a = 0; a < A; a++) z += (pi[s * A + a] = Math.exp(agent.policy.logp.view[a]));
    for (let a = 0; a < A; a++) pi[s * A + a] /= z;
  }
  return pi;
}

const tiny = { env: "CartPole-v1", numEnvs: 2, nSteps: 32, batchSize: 16, nCriticUpdates: 2 } as const;

describe("NPG", () => {
  it("takes eta_k = eta0 / gamma^k (geometric), a function of k, or a constant", async () => {
    for (const [stepSize, expected] of [
      [{ eta0: 0.01, gamma: 0.5 }, (k: number) => 0.01 / 0.5 ** k],
      [(k: number) => 0.02 * (k + 1), (k: number) => 0.02 * (k + 1)],
      [0.03, () => 0.03],
    ] as const) {
      const agent = new NPG({ ...tiny, stepSize, seed: 1 });
      try {
        const steps: number[] = [];
        await agent.learn(64 * 4, { callback: ({ metrics }) => void steps.push(metrics["train/step_size"]) });
        expect(steps).toEqual([0, 1, 2, 3].map(expected));
        expect(agent.stepSizeAt(5)).toBe(expected(5));
      } finally {
        agent.dispose();
      }
    }
  });

  it("a small step moves the policy by KL ~ eta^2 g^T F^{-1} g / 2 (the quadratic model), a larger one further", async () => {
    const kls: number[][] = [];
    for (const eta of [0.01, 0.02]) {
      const agent = new NPG({ ...tiny, stepSize: eta, cgDamping: 1e-3, seed: 2 });
      try {
        const k: number[] = [];
        await agent.learn(64 * 3, { callback: ({ metrics }) => void k.push(metrics["train/kl_divergence_loss"]) });
        kls.push(k);
      } finally {
        agent.dispose();
      }
    }
    // The first update starts from the same parameters and rollout: twice the step, about four times the KL.
    expect(kls[1][0] / kls[0][0]).toBeGreaterThan(3.6);
    expect(kls[1][0] / kls[0][0]).toBeLessThan(4.4);
  });

  it("learns a tabular MDP with one-hot observations and a linear softmax policy", async () => {
    const mdp = randomMdp({ S: 6, A: 3, gamma: 0.9, seed: 3 });
    const S = mdp.S, A = mdp.A;
    const agent = new NPG({
      env: () => oneHotEnv(mdp, 50), numEnvs: 4, nSteps: 128, batchSize: 128, nCriticUpdates: 5, netArch: [], gamma: mdp.gamma, gaeLambda: 0.95,
      learningRate: 1e-2, stepSize: { eta0: 0.2, gamma: 0.98 }, seed: 4,
    });
    try {
      const etaOf = (pi: Float64Array): number => evaluate(mdp, pi).eta;
      const start = etaOf(agentPolicy(agent, S, A));
      const best = evaluate(mdp, policyIteration(mdp).policy).eta;
      await agent.learn(512 * 40);
      const end = etaOf(agentPolicy(agent, S, A));
      expect(end).toBeGreaterThan(start + 0.7 * (best - start));
    } finally {
      agent.dispose();
    }
  });

  it("saves its step-size schedule and loads to the same bytes", async () => {
    const agent = new NPG({ ...tiny, stepSize: { eta0: 0.05, gamma: 0.9 }, seed: 3 });
    try {
      await agent.learn(128);
      const bytes = agent.save();
      const again = NPG.load(bytes);
      expect(again.save()).toEqual(bytes);
      expect(again.stepSizeAt(3)).toBe(0.05 / 0.9 ** 3);
      again.dispose();
    } finally {
      agent.dispose();
    }
  });

  it("rejects bad settings, naming the field", () => {
    const bad = (config: Record<string, unknown>, re: RegExp) => {
      let error: unknown;
      try {
        new NPG({ env: "CartPole-v1", ...config } as never).dispose();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect(String((error as Error).message)).toMatch(re);
    };
    bad({ stepSize: 0 }, /stepSize/);
    bad({ stepSize: { eta0: 0.1, gama: 0.9 } }, /geometric schedule is \{ eta0, gamma \}/);
    bad({ stepSize: { eta0: 0.1, gamma: 1.5 } }, /stepSize.gamma/);
    bad({ stepSize: "0.1" }, /stepSize/);
    bad({ targetKl: 0.01 }, /TRPO setting, not one of NPG's/);
    bad({ stepsize: 0.1 }, /did you mean "stepSize"/);
  });
});

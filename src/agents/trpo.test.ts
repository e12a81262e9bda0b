import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPO } from "./trpo.js";
import { evaluatePolicy } from "./evaluate-policy.js";
import { ValidationError } from "../core/errors.js";
import { policyOutputTwin } from "../nn/fisher.twin.js";
import type { RolloutBuffer } from "../returns/rollout-buffer.js";
import type { Metrics } from "./logger.js";

/** The mean KL(pi_old || pi_new) over the rows of x, in f64 from the two actors' parameters. */
function meanKl(
  sizes: readonly number[], continuous: boolean, x: Float32Array, rows: number,
  oldParams: Float32Array, newParams: Float32Array, oldLogStd: Float32Array, newLogStd: Float32Array,
): number {
  const head = continuous ? "gaussian" : "categorical";
  const old = policyOutputTwin({ params: oldParams, sizes, activation: "tanh", head }, x, rows);
  const cur = policyOutputTwin({ params: newParams, sizes, activation: "tanh", head }, x, rows);
  const A = sizes[sizes.length - 1];
  let kl = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < A; j++) {
      const i = r * A + j;
      if (continuous) {
        const vp = Math.exp(2 * oldLogStd[j]), vq = Math.exp(2 * newLogStd[j]);
        const diff = old.out[i] - cur.out[i];
        kl += newLogStd[j] - oldLogStd[j] + (vp + diff * diff) / (2 * vq) - 0.5;
      } else {
        kl += Math.exp(old.logp![i]) * (old.logp![i] - cur.logp![i]);
      }
    }
  }
  return kl / rows;
}

describe("TRPO: every accepted step stays inside the KL ball", () => {
  for (const [env, continuous] of [["CartPole-v1", false], ["Pendulum-v1", true]] as const) {
    it(`${env}: mean KL(pi_old || pi_new) on the rollout, measured in f64, is below targetKl; a rejected step keeps theta_old`, async () => {
      const targetKl = 0.01;
      const agent = new TRPO({ env, numEnvs: 2, nSteps: 128, batchSize: 64, nCriticUpdates: 2, targetKl, seed: 5 });
      try {
        const actor = agent.policy.actor;
        const buffer = (agent as unknown as { buffer: RolloutBuffer }).buffer;
        const logStd = () => (agent.policy.logStd ? agent.policy.logStd.view.slice() : new Float32Array(0));
        let oldParams = actor.parameters();
        let oldLogStd = logStd();
        const seen: Metrics[] = [];
        let accepted = 0;
        await agent.learn(256 * 12, {
          callback: ({ metrics }) => {
            seen.push(metrics);
            const newParams = actor.parameters();
            const newLogStd = logStd();
            const n = buffer.size;
            const kl = meanKl(actor.sizes, continuous, buffer.obs.view.subarray(0, n * agent.obsSize), n, oldParams, newParams, oldLogStd, newLogStd);
            if (metrics["train/is_line_search_success"] === 1) {
              accepted++;
              expect(kl).toBeLessThanOrEqual(targetKl * (1 + 1e-4));
              expect(kl).toBeGreaterThan(0);
              // The agent's own f32 measurement of the same KL.
              expect(Math.abs(metrics["train/kl_divergence_loss"] - kl)).toBeLessThan(1e-4 * targetKl + 1e-3 * kl);
            } else {
              expect(Array.from(newParams)).toEqual(Array.from(oldParams));
              expect(metrics["train/kl_divergence_loss"]).toBe(0);
            }
            oldParams = newParams;
            oldLogStd = newLogStd;
          },
        });
        expect(seen.length).toBe(12);
        expect(accepted).toBeGreaterThan(6);
        for (const key of [
          "train/policy_objective", "train/kl_divergence_loss", "train/is_line_search_success", "losses/policy_loss", "losses/value_loss",
          "losses/approx_kl", "losses/explained_variance", "losses/entropy", "charts/learning_rate", "charts/SPS", "charts/episodic_return",
        ]) {
          expect(seen[11], key).toHaveProperty([key]);
        }
        if (continuous) expect(seen[11]["train/std"]).toBeGreaterThan(0);
      } finally {
        agent.dispose();
      }
    });
  }

  it("with sub-sampling the reported KL is still below targetKl", async () => {
    const agent = new TRPO({ env: "CartPole-v1", numEnvs: 2, nSteps: 256, batchSize: 128, nCriticUpdates: 1, subSamplingFactor: 4, targetKl: 0.005, seed: 1 });
    try {
      const kls: number[] = [];
      await agent.learn(512 * 4, { callback: ({ metrics }) => void kls.push(metrics["train/kl_divergence_loss"]) });
      expect(kls.length).toBe(4);
      for (const kl of kls) expect(kl).toBeLessThan(0.005);
      expect(Math.max(...kls)).toBeGreaterThan(0);
    } finally {
      agent.dispose();
    }
  });
});

const tiny = { env: "CartPole-v1", numEnvs: 2, nSteps: 32, batchSize: 16, nCriticUpdates: 2 } as const;

describe("TRPO's API", () => {
  it("is bit-identical for the same seed, saves and loads to the same bytes and predictions, and evaluatePolicy runs", async () => {
    const run = async (seed: number) => {
      const agent = new TRPO({ ...tiny, seed, normalize: true });
      await agent.learn(320);
      return agent;
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    try {
      expect(Array.from(a.policy.store.parameters())).toEqual(Array.from(b.policy.store.parameters()));
      expect(Array.from(a.policy.store.parameters())).not.toEqual(Array.from(c.policy.store.parameters()));
      const bytes = a.save();
      const again = TRPO.load(bytes);
      try {
        expect(again.save()).toEqual(bytes);
        expect(again.targetKl).toBe(0.01);
        expect(again.criticOptimizer.getState().step).toBe(a.criticOptimizer.getState().step);
        const obs = [0.02, -0.1, 0.03, 0.2];
        expect(again.predict(obs, { deterministic: true })).toBe(a.predict(obs, { deterministic: true }));
        // The loaded agent trains on (its environments start afresh: their state is not saved).
        await again.learn(64, { resetNumTimesteps: false });
        expect(again.numTimesteps).toBe(a.numTimesteps + 64);
      } finally {
        again.dispose();
      }
      const dir = mkdtempSync(join(tmpdir(), "trpo-"));
      a.saveFile(join(dir, "agent.bin"));
      const fromFile = TRPO.loadFile(join(dir, "agent.bin"));
      expect(fromFile.save()).toEqual(a.save());
      fromFile.dispose();
      const ev = evaluatePolicy(a, "CartPole-v1", { episodes: 2, seed: 1 });
      expect(ev.returns.length).toBe(2);
      expect(ev.mean).toBeGreaterThan(0);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it("uses sb3-contrib's defaults", () => {
    const agent = new TRPO({ env: "CartPole-v1" });
    try {
      expect(agent.common.nSteps).toBe(2048);
      expect(agent.batchSize).toBe(128);
      expect(agent.common.gamma).toBe(0.99);
      expect(agent.common.gaeLambda).toBe(0.95);
      expect(agent.cgMaxSteps).toBe(15);
      expect(agent.cgDamping).toBe(0.1);
      expect(agent.lineSearchShrinkingFactor).toBe(0.8);
      expect(agent.lineSearchMaxIter).toBe(10);
      expect(agent.nCriticUpdates).toBe(10);
      expect(agent.targetKl).toBe(0.01);
      expect(agent.subSamplingFactor).toBe(1);
      expect(agent.common.normalizeAdvantage).toBe(true);
      expect(agent.criticOptimizer.learningRate).toBe(1e-3);
      expect(agent.criticOptimizer.eps).toBe(1e-5);
    } finally {
      agent.dispose();
    }
  });

  it("rejects bad settings, naming the field", () => {
    const bad = (config: Record<string, unknown>, re: RegExp) => {
      let error: unknown;
      try {
        new TRPO({ env: "CartPole-v1", ...config } as never).dispose();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect(String((error as Error).message)).toMatch(re);
    };
    bad({ targetKL: 0.01 }, /did you mean "targetKl"/);
    bad({ cg_damping: 0.1 }, /did you mean "cgDamping"/);
    bad({ entCoef: 0.01 }, /entCoef.*setting, not one of TRPO's/);
    bad({ clipRange: 0.2 }, /not one of TRPO's/);
    bad({ stepSize: 0.1 }, /NPG setting/);
    bad({ targetKl: 0 }, /targetKl/);
    bad({ lineSearchShrinkingFactor: 1 }, /lineSearchShrinkingFactor/);
    bad({ lineSearchMaxIter: 0 }, /lineSearchMaxIter/);
    bad({ cgMaxSteps: 0 }, /cgMaxSteps/);
    bad({ cgDamping: -1 }, /cgDamping/);
    bad({ subSamplingFactor: 0.5 }, /subSamplingFactor/);
    bad({ nCriticUpdates: -1 }, /nCriticUpdates/);
    bad({ policy: "MlpPolicy" }, /MLP actor-critic/);
  });
});

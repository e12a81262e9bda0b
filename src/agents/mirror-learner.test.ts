import { describe, expect, it } from "vitest";
import { MirrorLearner } from "./mirror-learner.js";
import { PPO } from "./ppo.js";
import {
  allPolicies, clipDrift, customDrift, forwardKlDrift, maxKlBall, meanKlBall, mixtureSegment, reverseKlDrift, squaredL2Drift,
  squaredTvDrift, tvBall, zeroDrift,
} from "../mirror/index.js";
import { ValidationError } from "../core/errors.js";
import { TrainingDivergedError } from "./diverged.js";

const tiny = { env: "CartPole-v1", numEnvs: 4, nSteps: 16, batchSize: 16, nEpochs: 2, learningRate: 1e-3 } as const;

const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return "(no error)";
}

describe("PPO is MirrorLearner with the clip drift", () => {
  it("a PPO agent is a MirrorLearner, and MirrorLearner with clipDrift(eps) trains to PPO's bits", async () => {
    const config = { ...tiny, normalize: true, entCoef: 0.01, clipRangeVf: 0.5, seed: 3 } as const;
    const ppo = new PPO({ ...config, clipRange: 0.15 });
    const ml = new MirrorLearner({ ...config, drift: clipDrift(0.15) });
    expect(ppo).toBeInstanceOf(MirrorLearner);
    expect(ppo.algorithm).toBe("PPO");
    expect(ml.algorithm).toBe("MirrorLearner");
    expect(ppo.drift.name).toBe(ml.drift.name);
    const metrics: Record<string, number>[][] = [[], []];
    await ppo.learn(512, { callback: (i) => void metrics[0].push(i.metrics) });
    await ml.learn(512, { callback: (i) => void metrics[1].push(i.metrics) });
    expect(same(ppo.policy.store.parameters(), ml.policy.store.parameters())).toBe(true);
    expect(same(ppo.optimizer.getState().m, ml.optimizer.getState().m)).toBe(true);
    // The same losses; PPO keeps SB3's metric names, MirrorLearner adds the drift's share.
    for (const key of ["losses/policy_loss", "losses/value_loss", "losses/approx_kl", "losses/clipfrac", "charts/clip_range"]) {
      expect(metrics[1].at(-1)![key], key).toBe(metrics[0].at(-1)![key]);
    }
    expect(metrics[0].at(-1)!["losses/drift"]).toBeUndefined();
    expect(metrics[1].at(-1)!["losses/drift"]).toBeGreaterThanOrEqual(0);
    ppo.dispose();
    ml.dispose();
  });

  it("PPO's clipRange schedule is the drift of each update", () => {
    const ppo = new PPO({ ...tiny, clipRange: "lin_0.3", seed: 1 });
    expect(ppo.driftAt(1).epsilon).toBeCloseTo(0.3, 15);
    expect(ppo.driftAt(0.5).epsilon).toBeCloseTo(0.15, 15);
    expect(ppo.driftAt(0).epsilon).toBe(Number.MIN_VALUE);
    expect(ppo.neighbourhood.kind).toBe("all");
    ppo.dispose();
  });
});

describe("MirrorLearner trains with the KL drifts", () => {
  // The zoo's CartPole settings (as PPO's smoke test); a short run, full quality runs are benchmarks.
  const zoo = {
    env: "CartPole-v1", numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, learningRate: "lin_1e-3", entCoef: 0, seed: 0,
  } as const;
  for (const [name, drift] of [["TRL: forwardKlDrift(3)", forwardKlDrift(3)], ["NPG's penalty form: reverseKlDrift(0.3)", reverseKlDrift(0.3)]] as const) {
    it(`${name} improves CartPole's return in 12k steps`, async () => {
      const agent = new MirrorLearner({ ...zoo, drift });
      const returns: number[] = [];
      let drifts = 0;
      await agent.learn(12_000, {
        callback: (info) => {
          returns.push(info.recentReturn);
          drifts += info.metrics["losses/drift"];
          expect(info.metrics["losses/clipfrac"]).toBeUndefined();
        },
      });
      const early = returns.find(Number.isFinite)!;
      expect(early).toBeLessThan(40);
      expect(returns.at(-1)!).toBeGreaterThan(2 * early);
      expect(returns.at(-1)!).toBeGreaterThan(60);
      expect(drifts).toBeGreaterThan(0);
      agent.dispose();
    });
  }

  it("squared-L2, zero and a custom drift (its own estimator, per row in TypeScript) train without NaN", async () => {
    const base = forwardKlDrift(2);
    const custom = customDrift({ name: "my forward KL", value: base.value.bind(base), gradient: base.gradient.bind(base), sample: base.sample });
    const params: Float32Array[] = [];
    for (const drift of [squaredL2Drift(1), zeroDrift(), custom, base]) {
      const agent = new MirrorLearner({ ...tiny, drift, seed: 2 });
      await agent.learn(256);
      const p = agent.policy.store.parameters();
      expect(Array.from(p).every(Number.isFinite), drift.name).toBe(true);
      params.push(p);
      agent.dispose();
    }
    // The custom drift's TypeScript path and the kernel compute the same loss (to f32 rounding).
    const [, , viaEstimator, viaKernel] = params;
    let worst = 0;
    for (let i = 0; i < viaKernel.length; i++) worst = Math.max(worst, Math.abs(viaEstimator[i] - viaKernel[i]));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe("MirrorLearner's settings", () => {
  it("needs a drift with a per-sample estimator, and finite coefficients", () => {
    expect(message(() => new MirrorLearner({ env: "CartPole-v1" } as never))).toMatch(/^drift: is required: a drift object/);
    expect(message(() => new MirrorLearner({ env: "CartPole-v1", drift: squaredTvDrift(1) }))).toMatch(
      /^drift: the squared-TV drift has no per-sample estimator/,
    );
    const bare = customDrift({ value: () => 0, gradient: () => {} });
    expect(message(() => new MirrorLearner({ env: "CartPole-v1", drift: bare }))).toMatch(/^drift: has no per-sample estimator/);
    expect(message(() => new MirrorLearner({ env: "CartPole-v1", drift: { kind: "forwardKl", coefficient: -1 } }))).toMatch(/^drift.coefficient: /);
    expect(message(() => new MirrorLearner({ env: "CartPole-v1", drift: { kind: "nope" } as never }))).toMatch(/^drift.kind: must be one of/);
  });

  it("takes allPolicies(); a KL ball is TRPO's natural-gradient step; other neighbourhoods are rejected", () => {
    const agent = new MirrorLearner({ ...tiny, drift: forwardKlDrift(1), neighbourhood: allPolicies() });
    expect(agent.neighbourhood.kind).toBe("all");
    agent.dispose();
    for (const nb of [meanKlBall(0.01), maxKlBall(0.01), { kind: "meanKl", delta: 0.02 }] as const) {
      let error: unknown;
      try {
        new MirrorLearner({ ...tiny, drift: forwardKlDrift(1), neighbourhood: nb });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("neighbourhood");
      expect((error as Error).message).toMatch(/natural-gradient step.*use TRPO/);
    }
    for (const nb of [tvBall(0.1), mixtureSegment(0.5)]) {
      expect(message(() => new MirrorLearner({ ...tiny, drift: forwardKlDrift(1), neighbourhood: nb }))).toMatch(
        /^neighbourhood: has no sample-based step: MirrorLearner takes allPolicies\(\)/,
      );
    }
    expect(message(() => new MirrorLearner({ ...tiny, drift: forwardKlDrift(1), neighbourhood: { kind: "ball" } as never }))).toMatch(
      /^neighbourhood.kind: must be one of/,
    );
  });

  it("rejects PPO's clipRange with advice, and misspelt keys with the nearest name", () => {
    expect(message(() => new MirrorLearner({ env: "CartPole-v1", drift: forwardKlDrift(1), clipRange: 0.2 } as never))).toMatch(
      /^clipRange: is a PPO setting, not one of MirrorLearner's: MirrorLearner takes its drift as an object: pass drift: clipDrift\(epsilon\)/,
    );
    expect(message(() => new MirrorLearner({ env: "CartPole-v1", drift: forwardKlDrift(1), nEpoch: 3 } as never))).toMatch(
      /did you mean "nEpochs"/,
    );
    expect(message(() => new MirrorLearner({ env: "CartPole-v1", drift: forwardKlDrift(1), batchSize: 0 }))).toMatch(/^batchSize: /);
  });

  it("a diverging run names MirrorLearner, the update and the settings", async () => {
    const agent = new MirrorLearner({ ...tiny, drift: reverseKlDrift(0.5), learningRate: 1e38, seed: 0 });
    await expect(agent.learn(512)).rejects.toThrow(TrainingDivergedError);
    await expect(agent.learn(512)).rejects.toThrow(/^MirrorLearner: training diverged at update \d+: .+; lower learningRate \(got 1e\+38\)/);
    agent.dispose();
  });
});

describe("saving and loading", () => {
  it("a built-in drift is saved by kind and parameters: the loaded agent trains on bit-identically", async () => {
    const a = new MirrorLearner({ ...tiny, drift: reverseKlDrift(0.25), seed: 4 });
    await a.learn(128);
    const bytes = a.save();
    const b = MirrorLearner.load(bytes);
    expect(b.drift.kind).toBe("reverseKl");
    expect(b.drift.coefficient).toBe(4);
    expect(Buffer.from(b.save()).equals(Buffer.from(bytes))).toBe(true);
    // Both start a new learn (the environment is reset with the seed) from the same saved state.
    await a.learn(128);
    await b.learn(128);
    expect(same(a.policy.store.parameters(), b.policy.store.parameters())).toBe(true);
    const payload = JSON.parse(new TextDecoder().decode(bytes.subarray(20))) as { algorithm: string; config: Record<string, unknown> };
    expect(payload.algorithm).toBe("MirrorLearner");
    expect(payload.config.drift).toEqual({ kind: "reverseKl", coefficient: 4 });
    expect(payload.config.neighbourhood).toEqual({ kind: "all" });
    expect(message(() => PPO.load(bytes))).toMatch(/holds a MirrorLearner agent, not PPO/);
    a.dispose();
    b.dispose();
    const clip = new MirrorLearner({ ...tiny, drift: clipDrift(0.1), seed: 1 });
    const again = MirrorLearner.load(clip.save());
    expect(again.drift.epsilon).toBe(0.1);
    clip.dispose();
    again.dispose();
  });

  it("a custom drift cannot be saved: loading needs the drift again", () => {
    const base = squaredL2Drift(1);
    const mine = () => customDrift({ name: "mine", value: base.value.bind(base), gradient: base.gradient.bind(base), sample: base.sample });
    const a = new MirrorLearner({ ...tiny, drift: mine(), seed: 5 });
    const bytes = a.save();
    let error: unknown;
    try {
      MirrorLearner.load(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("drift");
    expect((error as Error).message).toMatch(/custom drift \("mine"\), whose functions a file cannot hold: pass it again, .*overrides: \{ drift/);
    const b = MirrorLearner.load(bytes, { overrides: { drift: mine() } });
    expect(b.drift.name).toBe("mine");
    expect(same(a.policy.store.parameters(), b.policy.store.parameters())).toBe(true);
    a.dispose();
    b.dispose();
  });
});

describe("trainOn: one update on the caller's samples", () => {
  it("steps the policy towards the advantaged actions and leaves the critic alone without returns", () => {
    const agent = new MirrorLearner({ ...tiny, drift: forwardKlDrift(1), normalizeAdvantage: false, nEpochs: 5, seed: 6 });
    const rows = 32;
    const obs = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(i) * 0.05);
    const actions = Int32Array.from({ length: rows }, (_, i) => i % 2);
    const advantages = Float64Array.from(actions, (a) => (a === 1 ? 1 : -1));
    const critic = agent.policy.critic.slice;
    const before = agent.policy.store.parameters();
    const metrics = agent.trainOn({ obs, actions, advantages });
    const after = agent.policy.store.parameters();
    expect(metrics["charts/updates"]).toBe(10);
    expect(Number.isNaN(metrics["losses/explained_variance"])).toBe(true);
    expect(same(before.subarray(critic.offset, critic.offset + critic.length), after.subarray(critic.offset, critic.offset + critic.length))).toBe(true);
    // Action 1 became more likely everywhere.
    const p = (o: ArrayLike<number>) => {
      const probs: number[] = [];
      for (let r = 0; r < rows; r++) {
        agent.policy.act(Float32Array.from(Array.prototype.slice.call(o, r * 4, r * 4 + 4)), 1, undefined, new Int32Array(1), new Float32Array(1));
        probs.push(Math.exp(agent.policy.logp.view[1]));
      }
      return probs;
    };
    for (const prob of p(obs)) expect(prob).toBeGreaterThan(0.5);
    // The environment id types predict's result, as for PPO.
    const action: number = agent.predict([0, 0, 0, 0], { deterministic: true });
    expect(action).toBe(1);
    // With value targets the critic learns too; weights scale the drift.
    const m2 = agent.trainOn({ obs, actions, advantages, returns: Float64Array.from({ length: rows }, (_, i) => i / rows), driftWeights: new Float64Array(rows).fill(2) });
    expect(Number.isFinite(m2["losses/explained_variance"])).toBe(true);
    expect(same(after.subarray(critic.offset, critic.offset + critic.length), agent.policy.store.parameters().subarray(critic.offset, critic.offset + critic.length))).toBe(false);
    agent.dispose();
  });

  it("checks the batch, naming the field", () => {
    const agent = new MirrorLearner({ ...tiny, drift: forwardKlDrift(1), seed: 6 });
    const ok = { obs: new Float32Array(8), actions: [0, 1], advantages: [1, -1] };
    expect(message(() => agent.trainOn({ ...ok, advantages: [] }))).toMatch(/^batch.advantages: must be a non-empty array/);
    expect(message(() => agent.trainOn({ ...ok, obs: new Float32Array(7) }))).toMatch(/^batch.obs: must hold 8 values/);
    expect(message(() => agent.trainOn({ ...ok, actions: [0, 2] }))).toMatch(/^batch.actions: entries must be action indices in \[0, 2\)/);
    expect(message(() => agent.trainOn({ ...ok, advantages: [1, NaN] }))).toMatch(/^batch.advantages: entries must be finite numbers/);
    expect(message(() => agent.trainOn({ ...ok, driftWeights: [1, -1] }))).toMatch(/^batch.driftWeights: entries must be finite numbers >= 0/);
    expect(message(() => agent.trainOn({ ...ok, advantage: [1, 1] } as never))).toMatch(/did you mean "advantages"/);
    agent.dispose();
  });
});

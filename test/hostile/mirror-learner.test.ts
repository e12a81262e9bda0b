/**
 * Hostile input to MirrorLearner: whatever drift, neighbourhood, batch or
 * edited file a user passes, each call either works or throws a
 * ValidationError naming the user's field (never an internal buffer, a
 * TypeError or a WebAssembly trap); training that diverges throws
 * TrainingDivergedError.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  MirrorLearner, TrainingDivergedError, ValidationError, allPolicies, clipDrift, customDrift, forwardKlDrift, maxKlBall, meanKlBall,
  reverseKlDrift, squaredL2Drift, squaredTvDrift, tvBall, zeroDrift,
} from "../../src/index.js";
import { encodeAgentFile } from "../../src/kernels.js";

const INTERNAL = ["x", "dOut", "logits", "gradients", "mean", "logStd", "finalValues", "id", "size", "state", "rows", "batch", "block", "kind", "weights", "gLogp", "logpNew"];

async function worksOrNamesField(fn: () => unknown): Promise<"ok" | "invalid" | "diverged"> {
  try {
    await fn();
    return "ok";
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      expect(error.message).toMatch(/^MirrorLearner: training diverged at update \d+: .+ is (NaN|-?Infinity); lower learningRate/);
      return "diverged";
    }
    if (!(error instanceof ValidationError)) throw error;
    expect(INTERNAL).not.toContain(error.field);
    expect(error.message.startsWith(`${error.field}: `)).toBe(true);
    return "invalid";
  }
}

const SHORT = { env: "CartPole-v1", numEnvs: 2, nSteps: 8, batchSize: 8, nEpochs: 1, seed: 3 } as const;
const l2 = squaredL2Drift(1);
const nanDrift = customDrift({ name: "nan", value: () => 0, gradient: () => {}, sample: { unbiased: true, value: () => NaN, derivative: () => 0 } });
const okCustom = customDrift({ name: "l2", value: l2.value.bind(l2), gradient: l2.gradient.bind(l2), sample: l2.sample });

const drift = fc.constantFrom<unknown>(
  forwardKlDrift(1), reverseKlDrift(0.1), reverseKlDrift(1e-300), squaredL2Drift(2), clipDrift(0.2), clipDrift(0.2, 3), zeroDrift(), squaredTvDrift(1),
  okCustom, nanDrift, { kind: "forwardKl", coefficient: 2 }, { kind: "forwardKl" }, { kind: "forwardKl", coefficient: NaN },
  { kind: "clip", epsilon: 0 }, { kind: "clip", epsilon: 0.1 }, { kind: "reverseKl", coefficient: Infinity }, { kind: "custom", name: "x" },
  { kind: "squaredL2", coefficient: 1e39 }, { kind: "nope" }, "forwardKl", 3, null, undefined, [], {},
);
const neighbourhood = fc.constantFrom<unknown>(
  undefined, allPolicies(), meanKlBall(0.01), maxKlBall(0.01), tvBall(0.1), { kind: "all" }, { kind: "meanKl" }, { kind: "tv", delta: -1 }, null, 3, "all",
);
const extra = fc.dictionary(
  fc.constantFrom("learningRate", "nEpochs", "batchSize", "clipRange", "clipRangeVf", "targetKl", "normalizeAdvantage", "entCoef", "drift_", "neighborhood"),
  fc.constantFrom<unknown>(1e-3, 1e38, 0, -1, 2, NaN, "lin_0.1", true, null, 0.2),
  { maxKeys: 2 },
);

describe("hostile input to MirrorLearner", () => {
  it("constructors and a short learn: any drift, neighbourhood and settings train or name the field", async () => {
    const seen = { ok: 0, invalid: 0, diverged: 0 };
    await fc.assert(
      fc.asyncProperty(drift, neighbourhood, extra, async (d, nb, more) => {
        seen[await worksOrNamesField(async () => {
          const agent = new MirrorLearner({ ...SHORT, drift: d, neighbourhood: nb, ...more } as never);
          try {
            await agent.learn(32);
          } finally {
            agent.dispose();
          }
        })]++;
      }),
      { numRuns: 300, seed: 11 },
    );
    // Both outcomes occur: the property is not vacuous.
    expect(seen.ok).toBeGreaterThan(5);
    expect(seen.invalid).toBeGreaterThan(50);
  });

  it("trainOn: any batch trains or names batch.* (or the drift's estimator)", async () => {
    const agent = new MirrorLearner({ ...SHORT, drift: forwardKlDrift(1) });
    const custom = new MirrorLearner({ ...SHORT, drift: nanDrift });
    const entry = fc.constantFrom<unknown>(0, 1, -1, 0.5, 2, NaN, Infinity, 1e30, "1", null);
    const column = fc.oneof(fc.array(entry, { maxLength: 9 }), fc.constantFrom<unknown>(undefined, null, 3, "abc", {}, new Float32Array(2)));
    const batch = fc.record({ obs: column, actions: column, advantages: column, logpOld: column, returns: column, driftWeights: column }, { requiredKeys: [] });
    const seen = { ok: 0, invalid: 0, diverged: 0 };
    await fc.assert(
      fc.asyncProperty(batch, fc.boolean(), async (b, useCustom) => {
        seen[await worksOrNamesField(() => (useCustom ? custom : agent).trainOn(b as never))]++;
      }),
      { numRuns: 300, seed: 12 },
    );
    // Valid batches too: two rows of CartPole.
    const ok = { obs: new Float32Array(8), actions: [0, 1], advantages: [1, -1] };
    seen[await worksOrNamesField(() => agent.trainOn(ok))]++;
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.invalid).toBeGreaterThan(100);
    // A custom estimator returning NaN is named as the drift's.
    let error: unknown;
    try {
      custom.trainOn(ok);
    } catch (e) {
      error = e;
    }
    expect((error as ValidationError).field).toBe("drift.sample.value");
    agent.dispose();
    custom.dispose();
  });

  it("load: edited drifts and neighbourhoods in a file load or name what is wrong", async () => {
    const agent = new MirrorLearner({ ...SHORT, drift: reverseKlDrift(0.5) });
    const payload = JSON.parse(new TextDecoder().decode(agent.save().subarray(20))) as { config: Record<string, unknown> };
    agent.dispose();
    const value = fc.constantFrom<unknown>(
      { kind: "forwardKl", coefficient: 1 }, { kind: "reverseKl", coefficient: -1 }, { kind: "custom", name: "x" }, { kind: "squaredTv", coefficient: 1 },
      { kind: "meanKl", delta: 0.1 }, { kind: "all" }, null, 3, "x", {}, [],
    );
    const seen = { ok: 0, invalid: 0, diverged: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("drift", "neighbourhood"), value, async (key, v) => {
        const p = structuredClone(payload);
        p.config[key] = v;
        seen[await worksOrNamesField(() => MirrorLearner.load(encodeAgentFile(p)).dispose())]++;
      }),
      { numRuns: 60, seed: 13 },
    );
    expect(seen.ok).toBeGreaterThan(2);
    expect(seen.invalid).toBeGreaterThan(10);
  });
});

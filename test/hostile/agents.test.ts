/**
 * Hostile input to the agents: whatever a user passes to the constructors,
 * learn, predict and load, each call either works or throws a
 * ValidationError that names the user's field (never an internal buffer such
 * as `dOut` or `x`, never a TypeError or a WebAssembly trap), training that
 * diverges throws TrainingDivergedError, and the library still works
 * afterwards: a short valid PPO run gives the same saved bytes as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { A2C, Box, Discrete, PPO, TrainingDivergedError, ValidationError, type Env } from "../../src/index.js";
import { encodeAgentFile } from "../../src/kernels.js";

/** Names of internal checks that must never reach a user of the agents. */
const INTERNAL = ["x", "dOut", "logits", "gradients", "mean", "logStd", "finalValues", "id", "size", "state", "rows", "batch", "block"];

/** Runs `fn`; a throw must be a ValidationError naming a user field (or, when `diverging` is allowed, TrainingDivergedError). */
async function worksOrNamesField(fn: () => unknown, diverging = false): Promise<"ok" | "invalid" | "diverged"> {
  try {
    await fn();
    return "ok";
  } catch (error) {
    if (diverging && error instanceof TrainingDivergedError) {
      expect(error.message).toMatch(/^(PPO|A2C): training diverged at update \d+: .+ is (NaN|-?Infinity); lower learningRate/);
      return "diverged";
    }
    if (!(error instanceof ValidationError)) throw error;
    expect(error.field).toMatch(/\S/);
    expect(INTERNAL).not.toContain(error.field);
    expect(error.message.startsWith(`${error.field}: `)).toBe(true);
    return "invalid";
  }
}

const SHORT = { env: "CartPole-v1", numEnvs: 2, nSteps: 8, batchSize: 8, nEpochs: 1, seed: 3 } as const;

/** The bytes of a short valid PPO run: the same before and after every hostile call. */
async function reference(): Promise<string> {
  const agent = new PPO(SHORT);
  await agent.learn(32);
  const bytes = Buffer.from(agent.save()).toString("base64");
  agent.dispose();
  return bytes;
}

let before = "";
beforeAll(async () => {
  before = await reference();
});
afterAll(async () => {
  expect(await reference()).toBe(before);
});

/** Values users put in configs by mistake, and a few valid ones. */
const value = fc.constantFrom<unknown>(
  -1, 0, 0.5, 1, 2, 3, 8, 64, NaN, Infinity, -Infinity, 1e300, 2 ** 40, -0, "1", "", "lin_0.1", "lin_abc", "lin_", "cos_1e-3",
  "tanh", "Tanh", "relu", "gelu", "MlpPolicy", true, false, null, [], [0], [8], [8, 8], [[64]], [-1], [1.5], [1e9],
  { pi: [8], vf: [8] }, { pi: [8] }, { pi: [8], vf: [8], qf: [8] }, [{ pi: [8], vf: [8] }], { obs: true }, { obz: true }, {},
  () => 0.1, () => NaN, () => -1, Symbol.for("x"), 10n,
);

const configKey = fc.constantFrom(
  "numEnvs", "nSteps", "gamma", "gaeLambda", "learningRate", "entCoef", "vfCoef", "maxGradNorm", "netArch", "activation", "normalize",
  "normalizeAdvantage", "orthoInit", "seed", "statsWindow", "batchSize", "nEpochs", "clipRange", "clipRangeVf", "targetKl",
  "useRmsProp", "rmsPropEps", "learning_rate", "n_steps", "batch_size", "n_epochs", "ent_coef", "policy", "verbose", "device",
  "policy_kwargs", "tensorboard_log", "total_timesteps", "n_envs", "gae_lambda", "learningrate", "clip_range", "foo",
);

/** A user environment with one part broken (or none): Gym's 4-tuple, string rewards, wrong observations, ... */
type Flaw = "none" | "done" | "stringReward" | "nanReward" | "noReward" | "obsSize" | "obsNaN" | "obsArray" | "numberFlags" | "throws" | "noSpaces" | "badSpace";
class Toy implements Env<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly maxEpisodeSteps = 20;
  private t = 0;
  constructor(private readonly flaw: Flaw) {
    this.observationSpace = new Box(-1, 1, { shape: [2] });
    this.actionSpace = flaw === "badSpace" ? ({ kind: "discrete", n: 2 } as unknown as Discrete) : new Discrete(2);
    if (flaw === "noSpaces") (this as { observationSpace?: Box }).observationSpace = undefined;
  }
  reset(): { obs: Float32Array; info: Record<string, unknown> } {
    this.t = 0;
    return { obs: new Float32Array(2), info: {} };
  }
  step(action: number) {
    if (this.flaw === "throws") throw new Error("my environment broke");
    this.t++;
    const end = this.t >= 20;
    const obs: unknown = this.flaw === "obsSize" ? new Float32Array(3) : this.flaw === "obsNaN" ? Float32Array.of(NaN, 0)
      : this.flaw === "obsArray" ? [0, 0] : Float32Array.of(action / 2, 0);
    const base = { obs, info: {} } as Record<string, unknown>;
    if (this.flaw === "done") return { ...base, reward: 1, done: end } as never;
    base.reward = this.flaw === "stringReward" ? "1" : this.flaw === "nanReward" ? NaN : 1;
    if (this.flaw === "noReward") delete base.reward;
    base.terminated = this.flaw === "numberFlags" ? Number(end) : end;
    base.truncated = this.flaw === "numberFlags" ? 0 : false;
    return base as never;
  }
}
const flaw = fc.constantFrom<Flaw>("none", "done", "stringReward", "nanReward", "noReward", "obsSize", "obsNaN", "obsArray", "numberFlags", "throws", "noSpaces", "badSpace");

describe("hostile input to the agents", () => {
  it("constructors: any config either builds an agent or names the field", async () => {
    const seen = { ok: 0, invalid: 0, diverged: 0 };
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.dictionary(configKey, value, { maxKeys: 3 }), async (isPpo, extra) => {
        const Algo = isPpo ? PPO : A2C;
        const base = isPpo ? SHORT : { env: "CartPole-v1", numEnvs: 2, nSteps: 8, seed: 3 };
        seen[await worksOrNamesField(() => new Algo({ ...base, ...extra } as never).dispose())]++;
      }),
      { numRuns: 500, seed: 1 },
    );
    // Both outcomes occur: the property is not vacuous.
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.invalid).toBeGreaterThan(100);
  });

  it("constructors: the config itself and its env", async () => {
    const env = fc.oneof(
      fc.constantFrom<unknown>("CartPole-v1", "Pendulum-v1", "CartPol-v1", "cartpole", "", 3, null, undefined, {}, [], () => null, () => 3),
      flaw.map((f) => new Toy(f)),
      flaw.map((f) => () => new Toy(f)),
    );
    await fc.assert(
      fc.asyncProperty(fc.boolean(), env, fc.constantFrom<unknown>(undefined, 1, 2), async (isPpo, e, numEnvs) => {
        const Algo = isPpo ? PPO : A2C;
        await worksOrNamesField(() => new Algo({ env: e, nSteps: 8, batchSize: isPpo ? 8 : undefined, numEnvs } as never).dispose());
      }),
      { numRuns: 200, seed: 2 },
    );
    for (const config of [undefined, null, 3, "CartPole-v1", [], {}]) await worksOrNamesField(() => new PPO(config as never));
  });

  it("learn: any total and options either train or name the field; divergence is TrainingDivergedError", async () => {
    const options = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom<unknown>(undefined, {}, { resetNumTimesteps: false }, { callback: () => true }) },
      {
        weight: 1,
        arbitrary: fc.dictionary(
          fc.constantFrom("callback", "logFile", "resetNumTimesteps", "callbak", "log_file", "progress_bar", "total_timesteps"),
          fc.constantFrom<unknown>(undefined, () => true, () => false, 3, "", true, null, {}),
          { maxKeys: 2 },
        ),
      },
    );
    const total = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom<unknown>(0, 8, 16, 64) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1.5, NaN, Infinity, 2 ** 60, "16", null) },
    );
    const lr = fc.constantFrom<unknown>(1e-3, 5, 1e30, 1e38, "lin_1e30", () => 1e37);
    const seen = { ok: 0, invalid: 0, diverged: 0 };
    await fc.assert(
      fc.asyncProperty(fc.boolean(), total, options, lr, async (isPpo, steps, opts, learningRate) => {
        const Algo = isPpo ? PPO : A2C;
        const agent = new Algo({ env: "CartPole-v1", numEnvs: 2, nSteps: 8, ...(isPpo ? { batchSize: 8 } : {}), learningRate, maxGradNorm: 1e30, seed: 1 } as never);
        try {
          seen[await worksOrNamesField(async () => {
            await agent.learn(steps as number, opts as never);
            await agent.learn(64);
          }, true)]++;
        } finally {
          agent.dispose();
        }
      }),
      { numRuns: 80, seed: 3 },
    );
    expect(Math.min(seen.ok, seen.invalid, seen.diverged)).toBeGreaterThan(3);
  });

  it("predict: any input gives actions or names obs/options", async () => {
    const agents = [new PPO({ ...SHORT }), new PPO({ ...SHORT, env: "Pendulum-v1", normalize: true })];
    const entry = fc.constantFrom<unknown>(0, 0.5, -3, NaN, Infinity, 1e300, "1", null, undefined);
    const obs = fc.oneof(
      fc.array(entry, { maxLength: 9 }),
      fc.array(fc.double({ noNaN: false }), { maxLength: 9 }).map((a) => Float32Array.from(a)),
      fc.array(fc.array(entry, { maxLength: 4 }), { maxLength: 3 }),
      fc.constantFrom<unknown>(0, NaN, "obs", null, undefined, {}, new Float64Array(3), new Int8Array(4), [[]]),
    );
    const options = fc.constantFrom<unknown>(undefined, {}, { deterministic: true }, { batch: true }, { determinstic: true }, { batch: "yes" }, null, 3);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), obs, options, async (k, o, opts) => {
        await worksOrNamesField(() => agents[k].predict(o as never, opts as never));
      }),
      { numRuns: 300, seed: 4 },
    );
    for (const a of agents) a.dispose();
  });

  it("load: corrupted, truncated, re-encoded or edited files load or name what is wrong", async () => {
    const agent = new PPO({ ...SHORT, normalize: true });
    await agent.learn(16);
    const bytes = agent.save();
    const payload = JSON.parse(new TextDecoder().decode(bytes.subarray(20))) as Record<string, unknown>;
    agent.dispose();
    const paths = ["algorithm", "config", "config.learningRate", "config.netArch", "config.env", "config.seed", "config.normalize", "spaces",
      "spaces.obsSize", "parameters", "optimizer", "optimizer.m", "optimizer.step", "obsRms", "obsRms.mean", "obsRms.count", "numTimesteps",
      "iterations", "progressRemaining", "rng", "rng.action", "rng.predict"];
    // Recipes (small, so a failure prints readably) that the property turns into bytes.
    const edit = (path: string, v: unknown): Uint8Array => {
      const p = structuredClone(payload);
      const keys = path.split(".");
      let o = p as Record<string, unknown>;
      for (const key of keys.slice(0, -1)) o = o[key] as Record<string, unknown>;
      o[keys[keys.length - 1]] = v;
      return encodeAgentFile(p);
    };
    const recipe = fc.oneof(
      fc.tuple(fc.constant("edit"), fc.constantFrom(...paths), value.filter((v) => typeof v !== "function" && typeof v !== "symbol" && typeof v !== "bigint")),
      fc.tuple(fc.constant("flip"), fc.nat(bytes.length - 1)),
      fc.tuple(fc.constant("cut"), fc.nat(bytes.length - 1)),
      fc.tuple(fc.constant("append"), fc.uint8Array({ minLength: 1, maxLength: 30 })),
      fc.tuple(fc.constantFrom("same", "latin1", "base64", "zeroRng", "base64String", "arrayBuffer", "array", "null")),
    );
    const build = (r: readonly unknown[]): unknown => {
      switch (r[0]) {
        case "edit": return edit(r[1] as string, r[2]);
        case "flip": return bytes.map((b, j) => (j === r[1] ? b ^ 0x40 : b));
        case "cut": return bytes.slice(0, r[1] as number);
        case "append": return Uint8Array.from([...bytes, ...(r[1] as Uint8Array)]);
        case "same": return bytes;
        case "latin1": return new TextEncoder().encode(new TextDecoder("latin1").decode(bytes));
        case "base64": return new TextEncoder().encode(Buffer.from(bytes).toString("base64"));
        case "zeroRng": return encodeAgentFile({ ...payload, rng: { action: [0, 0, 0, 0], shuffle: [1, 2, 3, 4], predict: [5, 6, 7, 8] } });
        case "base64String": return Buffer.from(bytes).toString("base64");
        case "arrayBuffer": return bytes.buffer;
        case "array": return Array.from(bytes);
        default: return null;
      }
    };
    const seen = { ok: 0, invalid: 0, diverged: 0 };
    await fc.assert(
      fc.asyncProperty(recipe, fc.boolean(), async (r, asA2c) => {
        const b = build(r);
        seen[await worksOrNamesField(() => (asA2c ? A2C : PPO).load(b as Uint8Array).dispose())]++;
      }),
      { numRuns: 400, seed: 5 },
    );
    expect(seen.ok).toBeGreaterThan(3);
    expect(seen.invalid).toBeGreaterThan(100);
  });
});

describe("what users see", () => {
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
    return "(no error)";
  };

  it("SB3 keys and misspellings", () => {
    expect(message(() => new PPO({ env: "CartPole-v1", learning_rate: 1e-3 } as never))).toBe(
      'config: unknown option for PPO; did you mean "learningRate"? (got "learning_rate")',
    );
    expect(message(() => new PPO({ env: "CartPole-v1", n_steps: 128 } as never))).toMatch(/did you mean "nSteps"/);
    expect(message(() => new PPO({ env: "CartPole-v1", policy: "MlpPolicy" } as never))).toMatch(/^policy: .*MlpPolicy.*netArch/);
    expect(message(() => new PPO({ env: "CartPole-v1", verbose: 1 } as never))).toMatch(/^verbose: .*callback.*logFile/);
    expect(message(() => new A2C({ env: "CartPole-v1", batchSize: 64 } as never))).toMatch(/^batchSize: is a PPO setting/);
    expect(message(() => new PPO({ env: "CartPole-v1", activation: "Tanh" } as never))).toMatch(/did you mean "tanh"/);
  });

  it("user environments: Gym's 4-tuple and string rewards are errors at construction", () => {
    expect(message(() => new PPO({ env: () => new Toy("done"), nSteps: 8, batchSize: 8 }))).toMatch(
      /^env: fails checkEnv, so PPO cannot train on it: step\(\) #1: the result lacks terminated, truncated.*split Gym's old `done`/,
    );
    expect(message(() => new A2C({ env: new Toy("stringReward") }))).toMatch(/^env: fails checkEnv, so A2C cannot train on it: .*reward must be a number, got "1"/);
  });

  it("divergence names the update, the quantity and the settings", async () => {
    const agent = new PPO({ env: "CartPole-v1", numEnvs: 2, nSteps: 16, batchSize: 16, learningRate: 1e38, seed: 0 });
    await expect(agent.learn(256)).rejects.toThrow(
      /^PPO: training diverged at update \d+: .+ is (NaN|-?Infinity); lower learningRate \(got 1e\+38\) or maxGradNorm \(got 0.5\), or set normalize: true$/,
    );
    agent.dispose();
  });

  it("a schedule that goes bad mid-training is the user's setting, not divergence", async () => {
    const agent = new PPO({ ...SHORT, clipRange: (p: number) => (p < 1 ? NaN : 0.2) });
    await expect(agent.learn(64)).rejects.toThrow(/^clipRange: schedule must return a finite number >= 0 \(got NaN\) at progressRemaining/);
    agent.dispose();
  });

  it("a file whose random stream is all zeros is rejected", async () => {
    const agent = new PPO(SHORT);
    const payload = JSON.parse(new TextDecoder().decode(agent.save().subarray(20))) as { rng: Record<string, number[]> };
    agent.dispose();
    payload.rng.shuffle = [0, 0, 0, 0];
    expect(message(() => PPO.load(encodeAgentFile(payload)))).toMatch(/^rng.shuffle: is all zeros/);
  });
});

/**
 * Checks of what a user gives an agent, before anything is allocated: the
 * config's keys (a misspelt or Stable-Baselines3-only key is an error that
 * says what to write instead, never ignored), booleans, the memory a rollout
 * needs, user environments (through `checkEnv`) and the state restored from
 * a file (random streams, counters).
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions, kindOf, nearestName, WASM_MEMORY_LIMIT } from "../core/validate.js";
import { checkEnv } from "../envs/check-env.js";
import type { Env } from "../envs/env.js";

/** Keys of both agents' configs. */
export const COMMON_KEYS = [
  "env", "numEnvs", "nSteps", "gamma", "gaeLambda", "learningRate", "entCoef", "vfCoef", "maxGradNorm", "netArch", "activation",
  "normalize", "normalizeAdvantage", "orthoInit", "seed", "statsWindow",
] as const;
/** Keys only PPO has. */
export const PPO_ONLY_KEYS = ["batchSize", "nEpochs", "clipRange", "clipRangeVf", "targetKl"] as const;
/** Keys only A2C has. */
export const A2C_ONLY_KEYS = ["useRmsProp", "rmsPropEps"] as const;
/** Keys of the Gaussian head: the log-std's start and generalised state-dependent exploration (src/agents/sde.ts). */
export const SDE_KEYS = ["useSde", "sdeSampleFreq", "logStdInit", "fullStd", "useExpln", "learnFeatures"] as const;

/** Keys of MirrorLearner beyond the common ones (PPO's minus clipRange, plus the drift and the neighbourhood). */
export const MIRROR_LEARNER_ONLY_KEYS = ["batchSize", "nEpochs", "clipRangeVf", "targetKl", "drift", "neighbourhood"] as const;

/**
 * Keys Stable-Baselines3 (or rl-baselines3-zoo) users write that have no
 * counterpart here, and what to do instead. Misspellings and snake_case
 * versions of our own keys (`learning_rate`, `n_steps`) get a did-you-mean
 * from `checkOptions` instead.
 */
const SB3_ADVICE: Readonly<Record<string, string>> = {
  policy:
    "is Stable-Baselines3's policy class; the agents here always use an MLP actor-critic (SB3's \"MlpPolicy\"): " +
    "remove it, and shape the networks with netArch, activation and orthoInit",
  policy_kwargs: "is SB3's way to shape the policy: pass netArch, activation, orthoInit, logStdInit, fullStd and useExpln in the config itself",
  policyKwargs: "is SB3's way to shape the policy: pass netArch, activation, orthoInit, logStdInit, fullStd and useExpln in the config itself",
  verbose: "does not exist here: remove it, and follow training with learn(steps, { callback }) or learn(steps, { logFile })",
  tensorboard_log: "does not exist here: learn(steps, { logFile }) writes one JSON line of metrics per update",
  tensorboardLog: "does not exist here: learn(steps, { logFile }) writes one JSON line of metrics per update",
  device: "does not exist here: the networks run on WebAssembly (SIMD) on the CPU; remove it",
  total_timesteps: "is not a setting: pass it to learn(totalTimesteps)",
  totalTimesteps: "is not a setting: pass it to learn(totalTimesteps)",
  n_timesteps: "is not a setting: pass it to learn(totalTimesteps)",
  nTimesteps: "is not a setting: pass it to learn(totalTimesteps)",
  _init_setup_model: "does not exist here: the agent is built by its constructor; remove it",
  rollout_buffer_class: "is not configurable here: remove it",
  rollout_buffer_kwargs: "is not configurable here: remove it",
};

/**
 * The config object of `algorithm` has only `known` keys: an SB3-only key says
 * what to do instead (`policy: "MlpPolicy"`, `verbose`), a key of the other
 * algorithm says so, and any other unknown key is rejected with the nearest
 * known name (`learning_rate` -> `learningRate`).
 */
export function checkAgentConfig(
  config: unknown, algorithm: string, known: readonly string[], otherAlgorithm: string, otherKeys: readonly string[], otherWhy?: string,
): void {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new ValidationError("config", `must be an object with env, e.g. new ${algorithm}({ env: "CartPole-v1" })`, kindOf(config));
  }
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (known.includes(key) || c[key] === undefined) continue;
    const advice = SB3_ADVICE[key];
    if (advice) throw new ValidationError(key, advice, c[key]);
    if (otherKeys.includes(key)) {
      const why = otherWhy ?? (algorithm === "A2C" ? "A2C takes one gradient step on the whole rollout (no minibatches, epochs or clipping)" : "PPO uses Adam");
      throw new ValidationError(key, `is ${otherAlgorithm === "A2C" ? "an" : "a"} ${otherAlgorithm} setting, not one of ${algorithm}'s: ${why}; remove it`, c[key]);
    }
  }
  checkOptions("config", c, known, algorithm);
  if (!("env" in c) || c.env === undefined) {
    throw new ValidationError("env", `is required: a built-in id ("CartPole-v1", ...), an Env, a VecEnv or a function returning an Env`, undefined);
  }
}

/** An optional boolean setting. */
export function checkBoolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new ValidationError(field, "must be true or false", value);
  return value;
}

/** One of `allowed`, with a did-you-mean (`"Tanh"` -> `"tanh"`). */
export function checkChoice<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  const near = typeof value === "string" ? nearestName(value, allowed) : undefined;
  const list = allowed.map((a) => JSON.stringify(a)).join(" or ");
  throw new ValidationError(field, `must be ${list}${near ? `; did you mean "${near}"?` : ""}`, value);
}

/**
 * Bytes of WebAssembly memory a rollout of `rows` = nSteps x numEnvs steps
 * needs: the buffer (observations, actions, log-probabilities, six f64
 * columns for GAE), the minibatch permutation and the cached activations of
 * both networks (`widths` = every layer width of the actor and the critic).
 */
export function rolloutBytes(rows: number, obsSize: number, actionSize: number, widths: number): number {
  return rows * (4 * obsSize + 4 * actionSize + 4 + 6 * 8 + 4 + 4 * widths);
}

/**
 * Throws unless the actor and critic fit in wasm32 memory: about 24 bytes per
 * parameter (values, gradients, Adam's two moments, initialisation scratch).
 */
export function checkNetworkMemory(netArch: { pi: readonly number[]; vf: readonly number[] }, obsSize: number, nActions: number): void {
  const count = (sizes: readonly number[]): number => {
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
    return n;
  };
  const params = count([obsSize, ...netArch.pi, nActions]) + count([obsSize, ...netArch.vf, 1]);
  const bytes = 24 * params;
  if (bytes > WASM_MEMORY_LIMIT) {
    throw new ValidationError(
      "netArch",
      `gives ${params} parameters, which need ${(bytes / 1024 ** 3).toFixed(1)} GiB of WebAssembly memory (at most 4 GiB): use narrower or fewer layers`,
      netArch,
    );
  }
}

/** Throws unless the rollout fits in wasm32 memory, naming the settings to lower. */
export function checkRolloutMemory(nSteps: number, numEnvs: number, obsSize: number, actionSize: number, widths: number): void {
  const rows = nSteps * numEnvs;
  const bytes = rolloutBytes(rows, obsSize, actionSize, widths);
  if (rows > 2 ** 31 - 1 || bytes > WASM_MEMORY_LIMIT) {
    const gib = (bytes / 1024 ** 3).toFixed(1);
    throw new ValidationError(
      "numEnvs",
      `with nSteps = ${nSteps}, a rollout of ${rows} steps needs ${gib} GiB of WebAssembly memory (at most 4 GiB): lower numEnvs or nSteps`,
      numEnvs,
    );
  }
}

/**
 * Runs `checkEnv` on a user environment and throws a ValidationError listing
 * what breaks training: the five-field step result (Gym's old `done`
 * 4-tuple), rewards that are not finite numbers, flags that are not booleans,
 * observations outside the observation space, methods that throw. A
 * non-deterministic reset and a getState/setState pair that does not round
 * trip do not stop training (they only cost reproducibility), so they pass.
 */
export function checkUserEnv(env: Env, seed: number, algorithm: string): void {
  const report = checkEnv(env, { seed, steps: 64 });
  const fatal = report.problems.filter((p) => !/not deterministic|getState|setState/.test(p));
  if (fatal.length === 0) return;
  const hints: string[] = [];
  if (fatal.some((p) => /lacks .*terminated|lacks .*truncated/.test(p))) {
    hints.push("return { obs, reward, terminated, truncated, info } (Gymnasium's API): split Gym's old `done` into terminated (a true end) and truncated (a time limit)");
  }
  const name = (env as { id?: unknown }).id ?? kindOf(env);
  throw new ValidationError(
    "env",
    `fails checkEnv, so ${algorithm} cannot train on it: ${fatal.join("; ")}${hints.length ? `. Fix: ${hints.join("; ")}` : ""}`,
    typeof name === "string" ? name : kindOf(env),
  );
}

/** A saved random stream: four 32-bit unsigned integers, not all zero (xoshiro128** never leaves that state). */
export function checkRngState(field: string, s: unknown): [number, number, number, number] {
  if (!Array.isArray(s) || s.length !== 4 || !s.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) {
    throw new ValidationError(field, "must be four 32-bit unsigned integers", s);
  }
  if (s.every((x) => x === 0)) throw new ValidationError(field, "is all zeros, which is not a state of the generator (the file is damaged)", s);
  return s as [number, number, number, number];
}

/** A saved counter: an integer >= 0. */
export function checkCount(field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new ValidationError(field, "must be an integer >= 0", v);
  return v;
}

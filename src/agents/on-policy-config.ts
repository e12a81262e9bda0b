/**
 * The configuration every on-policy agent shares: the environment spec, the
 * common settings with SB3's names in camelCase, what `predict` gives for
 * each environment type, and `resolveCommon`, which checks and defaults them.
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import type { Env, VecEnv } from "../envs/env.js";
import type { EnvId } from "../envs/registry.js";
import type { Box, Discrete, Space } from "../envs/spaces.js";
import { ACTIVATIONS, type Activation } from "../nn/activation.js";
import { checkGaeCoefficients } from "../returns/gae.js";
import { splitNetArch, type NetArch } from "./actor-critic.js";
import { type Schedule } from "./schedules.js";
import { type LogFormat, type TrainingLogger } from "../logging/index.js";
import type { Callback } from "./callbacks.js";
import { checkBoolean, checkChoice } from "./config.js";

/**
 * An environment: a built-in id (editors complete them; another string is
 * checked when the agent is built), a single Env (numEnvs must be 1), a
 * VecEnv, or a factory of Envs. User environments (objects and factories) are
 * run through `checkEnv` when the agent is built.
 */
export type EnvSpec = EnvId | (string & {}) | Env | VecEnv | (() => Env);

/** The action space an EnvSpec has, as far as its type tells. */
export type ActionSpaceOf<E> = E extends "Pendulum-v1"
  ? Box
  : E extends "CartPole-v1" | "Acrobot-v1" | "MountainCar-v0"
    ? Discrete
    : E extends { readonly actionSpace: infer S }
      ? S
      : E extends () => { readonly actionSpace: infer S }
        ? S
        : Space;

/** What `predict` gives for one observation: an index (Discrete) or a Float32Array of actionDim values (Box). */
export type ActionOf<E> = [ActionSpaceOf<E>] extends [Discrete] ? number : [ActionSpaceOf<E>] extends [Box] ? Float32Array : number | Float32Array;

/** What `predict` gives for a batch: rows indices (Discrete) or rows x actionDim values (Box). */
export type ActionBatchOf<E> = [ActionSpaceOf<E>] extends [Discrete]
  ? Int32Array
  : [ActionSpaceOf<E>] extends [Box]
    ? Float32Array
    : Int32Array | Float32Array;

/** One observation: obsSize values, or the index of a Discrete observation space. */
export type SingleObservation = number | Float32Array | Float64Array | readonly number[];

/** Observations as rows (each obsSize values). */
export type ObservationRows = readonly (Float32Array | Float64Array | readonly number[])[];

/** The settings both algorithms have, with SB3's names in camelCase. */
export interface OnPolicyConfig<E extends EnvSpec = EnvSpec> {
  env: E;
  /** Copies of the environment for an id or a factory; default 1 (SB3's make_vec_env). */
  numEnvs?: number;
  nSteps?: number;
  gamma?: number;
  gaeLambda?: number;
  learningRate?: Schedule;
  entCoef?: number;
  vfCoef?: number;
  maxGradNorm?: number;
  netArch?: NetArch;
  activation?: Activation;
  /** Observation (and reward) normalisation as SB3's VecNormalize; `true` is both, as the zoo's `normalize: true`. */
  normalize?: boolean | { obs?: boolean; reward?: boolean };
  normalizeAdvantage?: boolean;
  orthoInit?: boolean;
  seed?: number;
  /** Finished episodes averaged for `charts/episodic_return` (SB3: 100). */
  statsWindow?: number;
}

export interface LearnOptions {
  callback?: Callback;
  /** Append one JSON line of metrics per iteration to this file (Node). */
  logFile?: string;
  /** Write logs that existing tools read into this directory (Node): see `formats`. */
  logDir?: string;
  /** Files in logDir: "csv" (SB3's progress.csv), "monitor" (monitor.csv), "tensorboard" (event file), "jsonl"; default the first three. */
  formats?: readonly LogFormat[];
  /** A logger to write through (e.g. `new Logger()` in a browser, then `toFiles()`); any object with `metrics(step, iteration, metrics)`. */
  logger?: TrainingLogger;
  /** Start the step count (and the schedules) from 0; default true (SB3). */
  resetNumTimesteps?: boolean;
}

export interface PredictOptions {
  /** The most probable action (the Gaussian's mean) instead of a sample; default false. */
  deterministic?: boolean;
  /** `obs` is a flat batch of rows x obsSize values, even when it holds one row; default false. */
  batch?: boolean;
  /**
   * Legal actions (Discrete action spaces): for one observation n entries,
   * for a batch rows x n (flat, or an array of rows); true/1 = legal. Only
   * legal actions are sampled or taken as the mode.
   */
  actionMask?: ArrayLike<number | boolean> | readonly ArrayLike<number | boolean>[];
}

/** Options of `PPO.load` / `A2C.load`. */
export interface LoadOptions<C extends OnPolicyConfig = OnPolicyConfig> {
  /** The environment to rebuild the agent with; needed when it was trained on a user environment. */
  env?: EnvSpec;
  /** Config fields replacing the saved ones (e.g. a schedule function, which a file cannot hold). */
  overrides?: Partial<C>;
}

/** The numbers of a resolved config (after defaults). */
export interface ResolvedCommon {
  numEnvs: number; nSteps: number; gamma: number; gaeLambda: number; entCoef: number; vfCoef: number; maxGradNorm: number;
  normalizeObs: boolean; normalizeReward: boolean; normalizeAdvantage: boolean; orthoInit: boolean; seed: number; statsWindow: number;
  activation: Activation; netArch: { pi: number[]; vf: number[] };
}

export function isVecEnv(e: unknown): e is VecEnv {
  return typeof e === "object" && e !== null && typeof (e as VecEnv).numEnvs === "number" && typeof (e as VecEnv).createStepResult === "function";
}

function num(field: string, v: unknown, dflt: number, lo: number, hi: number, integer = false): number {
  const x = v === undefined ? dflt : v;
  if (typeof x !== "number" || !(x >= lo && x <= hi) || (integer && !Number.isInteger(x))) {
    throw new ValidationError(field, `must be ${integer ? "an integer" : "a number"} in [${lo}, ${hi}]`, x);
  }
  return x;
}

/** The agents on this loop. */
export type AlgorithmName = "PPO" | "A2C" | "TRPO" | "NPG" | "MirrorLearner";

/** Defaults that differ between PPO and A2C. */
export interface AlgorithmDefaults {
  nSteps: number; gamma: number; gaeLambda: number; learningRate: Schedule; entCoef: number; vfCoef: number; maxGradNorm: number;
  normalizeAdvantage: boolean;
}

/** Who is being configured: the algorithm's name, its config keys, and the other algorithm's (for messages). */
export interface AlgorithmKeys {
  algorithm: AlgorithmName;
  keys: readonly string[];
  other: string;
  otherKeys: readonly string[];
  /** Why a key of the other algorithm does not apply (default: PPO's and A2C's reasons). */
  otherWhy?: string;
  /** Checks the algorithm's own settings (called before anything is allocated). */
  check(config: never): unknown;
}

export function resolveCommon(c: OnPolicyConfig, d: AlgorithmDefaults): ResolvedCommon {
  if (!c || typeof c !== "object") throw new ValidationError("config", "must be an object with env", c);
  const norm = c.normalize ?? false;
  if (typeof norm !== "boolean" && (typeof norm !== "object" || norm === null || Array.isArray(norm))) {
    throw new ValidationError("normalize", "must be a boolean or { obs, reward }", norm);
  }
  if (typeof norm === "object") checkOptions("normalize", norm, ["obs", "reward"], "normalize");
  const activation = checkChoice("activation", c.activation, ACTIVATIONS, "tanh");
  const r: ResolvedCommon = {
    numEnvs: num("numEnvs", c.numEnvs, isVecEnv(c.env) ? c.env.numEnvs : 1, 1, 1 << 20, true),
    nSteps: num("nSteps", c.nSteps, d.nSteps, 1, 1 << 24, true),
    gamma: num("gamma", c.gamma, d.gamma, 0, 1),
    gaeLambda: num("gaeLambda", c.gaeLambda, d.gaeLambda, 0, 1),
    entCoef: num("entCoef", c.entCoef, d.entCoef, -1e9, 1e9),
    vfCoef: num("vfCoef", c.vfCoef, d.vfCoef, 0, 1e9),
    maxGradNorm: num("maxGradNorm", c.maxGradNorm, d.maxGradNorm, 1e-12, Infinity),
    normalizeObs: typeof norm === "boolean" ? norm : checkBoolean("normalize.obs", norm.obs, true),
    normalizeReward: typeof norm === "boolean" ? norm : checkBoolean("normalize.reward", norm.reward, false),
    normalizeAdvantage: checkBoolean("normalizeAdvantage", c.normalizeAdvantage, d.normalizeAdvantage),
    orthoInit: checkBoolean("orthoInit", c.orthoInit, true),
    seed: num("seed", c.seed, 0, 0, 2 ** 32 - 1, true),
    statsWindow: num("statsWindow", c.statsWindow, 100, 1, 1e6, true),
    activation,
    netArch: splitNetArch(c.netArch),
  };
  checkGaeCoefficients(r.gamma, r.gaeLambda);
  return r;
}

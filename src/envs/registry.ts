/**
 * `makeEnv(id)` and `makeVecEnv(id, { numEnvs, seed })`, Gymnasium's
 * `gymnasium.make` / `make_vec` for the built-in environments, and the slower
 * vectorised path for user environments (`makeVecEnv(() => new MyEnv(), ...)`).
 */
import { ValidationError } from "../core/errors.js";
import { checkFunction, checkObject, checkOptions, kindOf } from "../core/validate.js";
import { ACROBOT_SPEC, type AcrobotEnv, type AcrobotParams } from "./acrobot.js";
import { CARTPOLE_SPEC, type CartPoleEnv, type CartPoleParams } from "./cartpole.js";
import type { ClassicControlEnv, ClassicEnvOptions, ClassicSpec } from "./classic.js";
import type { Env, VecEnv } from "./env.js";
import { MOUNTAIN_CAR_SPEC, type MountainCarEnv, type MountainCarParams } from "./mountain-car.js";
import { PENDULUM_SPEC, type PendulumEnv, type PendulumParams } from "./pendulum.js";
import { SyncVecEnv } from "./sync-vec-env.js";
import { ClassicVecEnv } from "./vec-env.js";

/** The built-in environment ids and their constants. */
export interface EnvParamsById {
  "CartPole-v1": CartPoleParams;
  "Acrobot-v1": AcrobotParams;
  "MountainCar-v0": MountainCarParams;
  "Pendulum-v1": PendulumParams;
}
/** The built-in environment ids: `"CartPole-v1" | "Acrobot-v1" | "MountainCar-v0" | "Pendulum-v1"`. */
export type EnvId = keyof EnvParamsById;

/** The environment class `makeEnv(id)` returns for each built-in id. */
export interface EnvClassById {
  "CartPole-v1": CartPoleEnv;
  "Acrobot-v1": AcrobotEnv;
  "MountainCar-v0": MountainCarEnv;
  "Pendulum-v1": PendulumEnv;
}

const SPECS: { [K in EnvId]: ClassicSpec<EnvParamsById[K]> } = {
  "CartPole-v1": CARTPOLE_SPEC,
  "Acrobot-v1": ACROBOT_SPEC,
  "MountainCar-v0": MOUNTAIN_CAR_SPEC,
  "Pendulum-v1": PENDULUM_SPEC,
};

/** Ids `makeEnv` knows. */
export const ENV_IDS: readonly EnvId[] = Object.freeze(Object.keys(SPECS) as EnvId[]);

function specOf<K extends EnvId>(id: K): ClassicSpec<EnvParamsById[K]> {
  if (typeof id !== "string") {
    throw new ValidationError("id", `must be an environment id (${ENV_IDS.join(", ")})`, kindOf(id));
  }
  if (!Object.prototype.hasOwnProperty.call(SPECS, id)) {
    throw new ValidationError("id", `unknown environment (known: ${ENV_IDS.join(", ")})`, id);
  }
  return SPECS[id] as ClassicSpec<EnvParamsById[K]>;
}

/**
 * Most copies of a user environment `makeVecEnv` builds: each is a JavaScript
 * object stepped one after another in TypeScript, so more would be a mistake
 * (and would not fit in memory long before 2^32).
 */
export const MAX_SYNC_ENVS = 1 << 20;
/** Most copies of a built-in environment in one WebAssembly vector environment. */
export const MAX_VEC_ENVS = 1 << 24;

const VEC_OPTIONS = ["numEnvs", "seed", "mode", "params", "maxEpisodeSteps"] as const;

/**
 * A single environment by id, e.g. `makeEnv("CartPole-v1")`; options override
 * constants (`params`) and the time limit (`maxEpisodeSteps`). The built-in
 * ids are typed (editors complete them, and the result is the environment's
 * class); any other string is checked when called.
 */
export function makeEnv<K extends EnvId>(id: K, options?: ClassicEnvOptions<EnvParamsById[K]>): EnvClassById[K];
export function makeEnv(id: string, options?: ClassicEnvOptions<Record<string, number | boolean>>): ClassicControlEnv<object>;
export function makeEnv(id: string, options: ClassicEnvOptions<object> = {}): ClassicControlEnv<object> {
  return specOf(id as EnvId).create(options) as ClassicControlEnv<object>;
}

export interface MakeVecEnvOptions<P = object> extends ClassicEnvOptions<P> {
  numEnvs: number;
  /** Copy i is seeded with seed + i (default 0). */
  seed?: number;
  /**
   * "wasm" (default for built-in ids): one kernel call per step; "simd" and
   * "scalar" choose the kernel; "sync": single environments stepped in
   * TypeScript (the twin, and the only mode for user environments).
   */
  mode?: "wasm" | "simd" | "scalar" | "sync";
}

/**
 * numEnvs copies of an environment stepped together with automatic reset.
 * `idOrFactory` is a built-in id (stepped in one WebAssembly kernel call) or a
 * function returning a new user environment (stepped in TypeScript).
 */
export function makeVecEnv<K extends EnvId>(id: K, options: MakeVecEnvOptions<EnvParamsById[K]>): VecEnv;
export function makeVecEnv(factory: () => Env, options: MakeVecEnvOptions): VecEnv;
export function makeVecEnv(id: string, options: MakeVecEnvOptions<Record<string, number | boolean>>): VecEnv;
export function makeVecEnv(idOrFactory: string | (() => Env), options: MakeVecEnvOptions<object>): VecEnv {
  checkObject("options", options, "makeVecEnv: { numEnvs, seed, mode, params, maxEpisodeSteps }");
  checkOptions("options", options, VEC_OPTIONS, "makeVecEnv");
  const { numEnvs, seed } = options;
  if (typeof numEnvs !== "number" || !Number.isInteger(numEnvs) || numEnvs < 1) {
    throw new ValidationError("numEnvs", "must be a positive integer", numEnvs);
  }
  if (seed !== undefined && (typeof seed !== "number" || !Number.isFinite(seed))) {
    throw new ValidationError("seed", "must be a finite integer", seed);
  }
  const user = typeof idOrFactory !== "string";
  const mode = options.mode ?? (user ? "sync" : "wasm");
  if (typeof mode !== "string" || !["wasm", "simd", "scalar", "sync"].includes(mode)) {
    throw new ValidationError("mode", "must be \"wasm\", \"simd\", \"scalar\" or \"sync\"", mode);
  }
  if (user) {
    // An environment object where a factory belongs would be shared by every copy: say so.
    const hint = idOrFactory !== null && typeof idOrFactory === "object" ? ": pass a factory () => new MyEnv(), not an environment" : "";
    checkFunction("idOrFactory", idOrFactory, `an environment id or a function returning a new Env${hint}`);
    if (mode !== "sync") throw new ValidationError("mode", "user environments are stepped in TypeScript: use \"sync\"", mode);
    for (const key of ["params", "maxEpisodeSteps"] as const) {
      if (options[key] !== undefined) {
        throw new ValidationError(`options.${key}`, "applies to the built-in environments only: configure a user environment in its factory", kindOf(options[key]));
      }
    }
    if (numEnvs > MAX_SYNC_ENVS) throw new ValidationError("numEnvs", `must be at most ${MAX_SYNC_ENVS} for environments stepped in TypeScript`, numEnvs);
    const factory = idOrFactory as () => Env;
    const envs = Array.from({ length: numEnvs }, () => factory());
    return new SyncVecEnv(envs, { seed });
  }
  const spec = specOf(idOrFactory as EnvId) as ClassicSpec<object>;
  const envOptions = { params: options.params, maxEpisodeSteps: options.maxEpisodeSteps };
  if (mode === "sync") {
    if (numEnvs > MAX_SYNC_ENVS) throw new ValidationError("numEnvs", `must be at most ${MAX_SYNC_ENVS} in mode "sync"`, numEnvs, { env: spec.id });
    spec.create(envOptions); // options checked once, before numEnvs copies are built
    const envs = Array.from({ length: numEnvs }, () => spec.create(envOptions));
    return new SyncVecEnv(envs, { seed });
  }
  return new ClassicVecEnv(spec, { ...envOptions, numEnvs, seed, kernel: mode === "scalar" ? "scalar" : "simd" });
}

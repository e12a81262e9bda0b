/**
 * A vector environment over single environments stepped one after another in
 * TypeScript (Gymnasium's SyncVectorEnv with same-step autoreset): the slower
 * path for user environments, and the plain-TypeScript twin of the
 * WebAssembly vector environments (over the built-in single environments it
 * gives the same bits).
 *
 * Copy i is reset with `{ seed: seed + i }` when the vector environment is
 * reset with a seed, and with `reset()` (continuing its own generator) when
 * it ends; reset options given to `reset` are reused by these automatic resets.
 *
 * Legal-action masks: each copy's `info.actionMask` (from its last reset or
 * step; after an automatic reset, the reset's) is collected into
 * `actionMasks()`; a copy whose info has none is all legal there, and when
 * no copy has ever given one `actionMasks()` is undefined.
 */
import { ValidationError } from "../core/errors.js";
import { checkActionMask, checkObject, checkOptions, kindOf } from "../core/validate.js";
import { checkResetOptions } from "./classic.js";
import type { Action, Env, Info, Observation, ResetOptions, VecEnv, VecResetResult, VecStepResult } from "./env.js";
import { Box, Discrete, flatSize, type Space } from "./spaces.js";
import { checkSeed, checkVecOut, createVecStepResult, EpisodeTracker } from "./vec-common.js";

export interface SyncVecEnvOptions {
  /** Copy i is seeded with seed + i at the first reset (default 0). */
  seed?: number;
}

export class SyncVecEnv implements VecEnv {
  readonly id?: string;
  readonly numEnvs: number;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly obsSize: number;
  readonly actionSize: number;
  readonly maxEpisodeSteps: number;
  /** The single environments (copy i is envs[i]). */
  readonly envs: readonly Env[];
  private readonly obs: Float32Array;
  private readonly episodes: EpisodeTracker;
  private seed: number;
  private resetOptions: Readonly<Record<string, number>> | undefined;
  private ready = false;
  private readonly elapsed: Int32Array;
  /** numEnvs x n legal-action masks of the current observations, from the first `info.actionMask` on. */
  private masks?: Uint8Array;

  constructor(envs: readonly Env[], options: SyncVecEnvOptions = {}) {
    if (!Array.isArray(envs) || envs.length < 1) {
      throw new ValidationError("envs", "must be a non-empty array of environments", Array.isArray(envs) ? envs.length : kindOf(envs));
    }
    checkObject("options", options, "SyncVecEnv: { seed }");
    checkOptions("options", options, ["seed"], "SyncVecEnv");
    const seen = new Set<Env>();
    envs.forEach((env, i) => {
      if (env === null || typeof env !== "object" || typeof env.reset !== "function" || typeof env.step !== "function") {
        throw new ValidationError("envs", "must be environments with reset() and step() (a factory must return a new Env)", kindOf(env), { copy: i });
      }
      for (const name of ["observationSpace", "actionSpace"] as const) {
        if (!(env[name] instanceof Box || env[name] instanceof Discrete)) {
          throw new ValidationError(`envs[${i}].${name}`, "must be a Box or a Discrete (from mirror-rl's spaces)", kindOf(env[name]), { copy: i });
        }
      }
      // One object in two copies would be stepped twice per step: a factory returning the same Env.
      if (seen.has(env)) throw new ValidationError("envs", "must be distinct objects: the factory returned the same environment twice", kindOf(env), { copy: i });
      seen.add(env);
    });
    const first = envs[0];
    for (let i = 1; i < envs.length; i++) {
      if (String(envs[i].observationSpace) !== String(first.observationSpace) || String(envs[i].actionSpace) !== String(first.actionSpace)) {
        throw new ValidationError("envs", "must all have the same observation and action spaces", String(envs[i].observationSpace), { copy: i });
      }
    }
    this.envs = envs;
    this.id = first.id;
    this.numEnvs = envs.length;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.obsSize = flatSize(first.observationSpace);
    this.actionSize = flatSize(first.actionSpace);
    this.maxEpisodeSteps = first.maxEpisodeSteps ?? Infinity;
    this.obs = new Float32Array(this.numEnvs * this.obsSize);
    this.episodes = new EpisodeTracker(this.numEnvs);
    this.elapsed = new Int32Array(this.numEnvs);
    this.seed = options.seed ?? 0;
    checkSeed(this.seed, this.id ?? "vector environment");
  }

  private writeObs(target: Float32Array, i: number, obs: Observation): void {
    const k = this.obsSize;
    if (typeof obs === "number") {
      target[i * k] = obs;
      return;
    }
    if (!obs || obs.length !== k) {
      throw new ValidationError("obs", `must have ${k} entries`, (obs as ArrayLike<number> | undefined)?.length, { copy: i });
    }
    for (let j = 0; j < k; j++) target[i * k + j] = obs[j];
  }

  reset(opts: ResetOptions = {}): VecResetResult {
    const first = !this.ready;
    checkResetOptions(opts, this.id ?? "vector environment");
    if (opts.seed !== undefined) {
      checkSeed(opts.seed, this.id ?? "vector environment");
      this.seed = opts.seed;
    }
    this.resetOptions = opts.options;
    for (let i = 0; i < this.numEnvs; i++) {
      const seed = opts.seed !== undefined || first ? this.seed + i : undefined;
      const { obs, info } = this.envs[i].reset({ seed, options: this.resetOptions });
      this.writeObs(this.obs, i, obs);
      this.noteMask(i, info, 0);
    }
    this.elapsed.fill(0);
    this.episodes.clear();
    this.ready = true;
    return { obs: this.obs.slice(), info: {} };
  }

  createStepResult(): VecStepResult {
    return createVecStepResult(this.numEnvs, this.obsSize);
  }

  step(actions: ArrayLike<number>, out?: VecStepResult): VecStepResult {
    if (!this.ready) throw new Error(`${this.id ?? "vector environment"}: call reset() before step()`);
    const n = this.numEnvs;
    const k = this.actionSize;
    if (!actions || actions.length !== n * k) {
      throw new ValidationError("actions", `must have numEnvs x actionSize = ${n * k} entries`, actions?.length);
    }
    const result = out ?? this.createStepResult();
    checkVecOut(result, n, this.obsSize, this.id ?? "vector environment");
    const discrete = this.actionSpace.kind === "discrete";
    for (let i = 0; i < n; i++) {
      const action: Action = discrete
        ? actions[i]
        : "subarray" in actions
          ? (actions as Float32Array).subarray(i * k, (i + 1) * k)
          : Array.prototype.slice.call(actions, i * k, (i + 1) * k);
      const env = this.envs[i];
      const r = env.step(action);
      result.rewards[i] = r.reward;
      result.terminated[i] = r.terminated ? 1 : 0;
      result.truncated[i] = r.truncated ? 1 : 0;
      this.elapsed[i]++;
      if (r.terminated || r.truncated) {
        this.writeObs(result.info.finalObs, i, r.obs);
        const next = env.reset({ options: this.resetOptions });
        this.writeObs(this.obs, i, next.obs);
        this.elapsed[i] = 0;
        this.noteMask(i, next.info, 0);
      } else {
        this.writeObs(this.obs, i, r.obs);
        this.noteMask(i, r.info, this.elapsed[i]);
      }
    }
    result.obs.set(this.obs);
    this.episodes.record(result);
    return result;
  }

  /** Records copy i's `info.actionMask` (all legal when absent) for `actionMasks()`. */
  private noteMask(i: number, info: Info | undefined, step: number): void {
    const mask = info?.actionMask;
    if (mask === undefined) {
      if (this.masks) this.masks.fill(1, i * this.actionN, (i + 1) * this.actionN);
      return;
    }
    const where = { env: this.id ?? "vector environment", copy: i, step };
    if (this.actionSpace.kind !== "discrete") {
      throw new ValidationError("info.actionMask", "action masks need a Discrete action space", String(this.actionSpace), where);
    }
    this.masks ??= new Uint8Array(this.numEnvs * this.actionN).fill(1);
    checkActionMask("info.actionMask", mask, 1, this.actionN, where, this.masks, i * this.actionN);
  }

  /** Number of discrete actions (1 for a Box, which has no masks). */
  private get actionN(): number {
    return this.actionSpace.kind === "discrete" ? this.actionSpace.n : 1;
  }

  /**
   * The legal actions of every copy's current observation, numEnvs x n
   * (1 = legal; a copy without `info.actionMask` is all legal), or undefined
   * when no copy has given a mask.
   */
  actionMasks(): Uint8Array | undefined {
    return this.masks?.slice();
  }

  elapsedSteps(): Int32Array {
    return this.elapsed.slice();
  }

  private copy(i: unknown, method: "getState" | "setState"): Env {
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= this.numEnvs) {
      throw new ValidationError("copy", `must be an integer in [0, ${this.numEnvs})`, i, { env: this.id ?? "vector environment" });
    }
    const env = this.envs[i];
    if (typeof env[method] !== "function") {
      throw new ValidationError("copy", `this environment has no ${method}()`, i, { env: this.id ?? "vector environment" });
    }
    return env;
  }

  getState(i: number): Float64Array {
    return this.copy(i, "getState").getState!();
  }

  setState(i: number, state: ArrayLike<number>): void {
    const env = this.copy(i, "setState");
    if (!this.ready) this.reset();
    env.setState!(state);
  }

  close(): void {
    for (const env of this.envs) env.close?.();
  }
}

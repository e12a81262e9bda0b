/**
 * The common part of the classic-control environments (CartPole, Acrobot,
 * MountainCar, Pendulum): Gymnasium's wrappers folded in (TimeLimit,
 * OrderEnforcing: step before reset is an error), seeding through our `Rng`,
 * action validation, and `getState` / `setState` over the f64 physical state.
 * Each environment supplies its dynamics; the same dynamics, in the same
 * operation order, run in its WebAssembly kernel (assembly/envs/), so a copy in
 * a vectorised environment follows the same trajectory bit for bit.
 *
 * Observations are Float32Array (Gymnasium's float32 observation spaces) while
 * the state stays f64, as Gymnasium computes on a float64 state.
 */
import { ValidationError } from "../core/errors.js";
import { checkObject, checkOptions, isArrayLike } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import type { Action, Env, ResetOptions, ResetResult, StepResult } from "./env.js";
import type { Box, Space } from "./spaces.js";

export interface ClassicEnvOptions<P> {
  /** Physical constants to override (the rest keep Gymnasium's values). */
  params?: Partial<P>;
  /** Time limit (Gymnasium's max_episode_steps); Infinity for none. */
  maxEpisodeSteps?: number;
}

/** Names of the WebAssembly kernels of one environment (assembly/envs/<env>.ts). */
export interface ClassicKernelNames {
  stepSimd: string;
  stepScalar: string;
  reset: string;
  observe: string;
}

/** Everything a vectorised environment needs to know about a classic-control environment. */
export interface ClassicSpec<P extends object = object> {
  id: string;
  stateSize: number;
  obsSize: number;
  defaultMaxEpisodeSteps: number;
  kernels: ClassicKernelNames;
  /** Actions are f64 (Box) instead of i32 (Discrete) in the kernel. */
  continuousActions: boolean;
  create(options?: ClassicEnvOptions<P>): ClassicControlEnv<P>;
}

/** Validates a time limit: a positive integer or Infinity. */
export function checkMaxEpisodeSteps(value: number | undefined, fallback: number, id: string): number {
  const v = value ?? fallback;
  if (!(v === Infinity || (Number.isInteger(v) && v >= 1))) {
    throw new ValidationError("maxEpisodeSteps", "must be a positive integer or Infinity", v, { env: id });
  }
  return v;
}

/**
 * Where a physical constant may lie: a closed interval, or a boolean flag.
 * Every interval is finite: the limits keep the f64 dynamics finite (no
 * overflow to Infinity, no division by 0) for every state an episode can
 * reach, while leaving room for any physical variant of the environment
 * (Gymnasium's values scaled by up to 10^6 either way).
 */
export type ParamDomain = { readonly lo: number; readonly hi: number } | "boolean";
/** Magnitudes of constants, reset bounds and states stay within this. */
export const PARAM_LIMIT = 1e6;
/** Any finite value of magnitude at most PARAM_LIMIT. */
export const REAL: ParamDomain = Object.freeze({ lo: -PARAM_LIMIT, hi: PARAM_LIMIT });
/** A strictly positive constant (masses, lengths, time steps): [1/PARAM_LIMIT, PARAM_LIMIT]. */
export const POSITIVE: ParamDomain = Object.freeze({ lo: 1 / PARAM_LIMIT, hi: PARAM_LIMIT });
/** A constant that may be 0 (a force, a torque bound): [0, PARAM_LIMIT]. */
export const NON_NEGATIVE: ParamDomain = Object.freeze({ lo: 0, hi: PARAM_LIMIT });

/** Largest magnitude `setState` accepts: larger states overflow the dynamics within a step or two. */
export const STATE_LIMIT = 1e12;

const ENV_OPTIONS = ["params", "maxEpisodeSteps"] as const;

/** Checks the options of a classic environment's constructor: an object with known keys only. */
export function checkClassicOptions(options: unknown, id: string): void {
  checkObject("options", options, `${id}: { params, maxEpisodeSteps }`, { env: id });
  checkOptions("options", options as object, ENV_OPTIONS, id);
}

/**
 * Merges user constants into the defaults, checking that each is a known
 * constant (a misspelt name is an error that suggests the right one) inside
 * its domain, and then the relations between them (`relations` throws).
 */
export function mergeParams<P extends object>(
  defaults: P,
  override: Partial<P> | undefined,
  id: string,
  domains?: { readonly [K in keyof P]: ParamDomain },
  relations?: (p: Readonly<P>) => void,
): Readonly<P> {
  const out = { ...defaults } as Record<string, unknown>;
  if (override !== undefined) {
    checkObject("params", override, `${id}'s physical constants`, { env: id });
    checkOptions("params", override, Object.keys(defaults), id, "constant");
  }
  for (const [key, value] of Object.entries(override ?? {})) {
    if (value === undefined) continue;
    const def = (defaults as Record<string, unknown>)[key];
    const domain = (domains as Record<string, ParamDomain> | undefined)?.[key];
    if (typeof def === "boolean") {
      if (typeof value !== "boolean") throw new ValidationError(`params.${key}`, "must be a boolean", value, { env: id });
    } else if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new ValidationError(`params.${key}`, "must be a finite number", value, { env: id });
    } else if (domain !== undefined && domain !== "boolean" && !(value >= domain.lo && value <= domain.hi)) {
      throw new ValidationError(`params.${key}`, `must be in [${domain.lo}, ${domain.hi}]`, value, { env: id });
    }
    out[key] = value;
  }
  const params = Object.freeze(out) as Readonly<P>;
  relations?.(params);
  return params;
}

/** Checks a reset bound or half-width from reset options: a finite number of magnitude at most PARAM_LIMIT. */
export function checkResetValue(field: string, v: unknown, id: string): number {
  if (typeof v !== "number" || !(Math.abs(v) <= PARAM_LIMIT)) {
    throw new ValidationError(field, `must be a finite number in [${-PARAM_LIMIT}, ${PARAM_LIMIT}]`, v, { env: id });
  }
  return v;
}

/** Reads reset bounds `{ low, high }` from Gymnasium-style reset options (utils.maybe_parse_reset_bounds). */
export function resetBounds(
  options: Readonly<Record<string, number>> | undefined,
  low: number,
  high: number,
  id: string,
): [number, number] {
  if (!options) return [low, high];
  checkOptions("options", options, ["low", "high"], id, "reset option");
  const lo = checkResetValue("options.low", options.low ?? low, id);
  const hi = checkResetValue("options.high", options.high ?? high, id);
  if (lo > hi) throw new ValidationError("options.low", `must not exceed high (${hi})`, lo, { env: id });
  return [lo, hi];
}

const RESET_KEYS = ["seed", "options"] as const;

/** Checks `reset`'s argument: `{ seed?, options? }` with a finite seed and an object of options. */
export function checkResetOptions(opts: unknown, id: string): ResetOptions {
  checkObject("options", opts, `reset({ seed, options })`, { env: id });
  checkOptions("options", opts as object, RESET_KEYS, `${id} reset`, "reset argument");
  const { seed, options } = opts as ResetOptions;
  if (seed !== undefined && (typeof seed !== "number" || !Number.isFinite(seed))) {
    throw new ValidationError("seed", "must be a finite integer", seed, { env: id });
  }
  if (options !== undefined) checkObject("options.options", options, "reset options", { env: id });
  return opts as ResetOptions;
}

/** Checks a physical state for `setState`: `n` finite numbers of magnitude at most STATE_LIMIT. */
export function checkPhysicalState(state: unknown, n: number, where: Readonly<Record<string, string | number>>): ArrayLike<number> {
  if (!isArrayLike(state) || state.length !== n) {
    throw new ValidationError("state", `must have ${n} entries`, isArrayLike(state) ? state.length : state, where);
  }
  for (let i = 0; i < n; i++) {
    const v = state[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValidationError("state", "entries must be finite numbers", v, { ...where, index: i });
    }
    if (!(Math.abs(v) <= STATE_LIMIT)) {
      throw new ValidationError("state", `entries must be at most ${STATE_LIMIT} in magnitude (larger ones overflow the dynamics)`, v, { ...where, index: i });
    }
  }
  return state as ArrayLike<number>;
}


/** Reads a discrete action: an integer in [0, n), or a length-1 array holding one. */
export function discreteAction(action: unknown, n: number, id: string): number {
  let a = action;
  if (typeof a !== "number" && a !== null && typeof a === "object" && "length" in (a as object)) {
    const arr = a as ArrayLike<unknown>;
    if (arr.length !== 1) throw new ValidationError("action", "must be an integer or an array of length 1", action, { env: id });
    a = arr[0];
  }
  if (typeof a !== "number" || !Number.isInteger(a) || a < 0 || a >= n) {
    throw new ValidationError("action", `must be an integer in [0, ${n})`, a, { env: id });
  }
  return a;
}

/** Reads a one-dimensional continuous action: a finite number or a length-1 array holding one. */
export function scalarBoxAction(action: unknown, id: string): number {
  let a = action;
  if (typeof a !== "number" && a !== null && typeof a === "object" && "length" in (a as object)) {
    const arr = a as ArrayLike<unknown>;
    if (arr.length !== 1) throw new ValidationError("action", "must have shape [1]", (arr as ArrayLike<unknown>).length, { env: id });
    a = arr[0];
  }
  if (typeof a !== "number" || !Number.isFinite(a)) {
    throw new ValidationError("action", "must be a finite number", a, { env: id });
  }
  return a;
}

/**
 * A classic-control environment: f64 state, Float32Array observations,
 * Gymnasium's time limit, seeding and step ordering.
 *
 * Seeding: `reset({ seed })` re-seeds the environment's `Rng` with `seed`;
 * `reset()` continues its stream; before any seed the stream is `new Rng(0)`.
 */
export abstract class ClassicControlEnv<P extends object> implements Env<Float32Array, Action> {
  abstract readonly id: string;
  abstract readonly observationSpace: Box;
  abstract readonly actionSpace: Space;
  readonly params: Readonly<P>;
  readonly maxEpisodeSteps: number;
  protected readonly state: Float64Array;
  /** Set by `advance`: the new state is terminal. */
  protected terminal = false;
  private elapsed = 0;
  private ready = false;
  private rng = new Rng(0);

  protected constructor(
    id: string,
    defaults: P,
    stateSize: number,
    defaultSteps: number,
    options: ClassicEnvOptions<P> = {},
    domains?: { readonly [K in keyof P]: ParamDomain },
    relations?: (p: Readonly<P>) => void,
  ) {
    checkClassicOptions(options, id);
    this.params = mergeParams(defaults, options.params, id, domains, relations);
    this.maxEpisodeSteps = checkMaxEpisodeSteps(options.maxEpisodeSteps, defaultSteps, id);
    this.state = new Float64Array(stateSize);
  }

  /** Draws the initial state from `rng` (Gymnasium's distribution, `options` its reset options). */
  protected abstract drawState(rng: Rng, options: Readonly<Record<string, number>> | undefined): void;
  /** Applies one step of the dynamics to `state` for a validated action; sets `terminal`; returns the reward. */
  protected abstract advance(action: number): number;
  /** Validates an action and returns it as a number. */
  protected abstract parseAction(action: unknown): number;
  /** The observation of the current state. */
  abstract observe(): Float32Array;
  /** The kernel's f64 parameter vector (layout in assembly/envs/<env>.ts) for the given reset options. */
  abstract kernelParams(options?: Readonly<Record<string, number>>): Float64Array;
  /** Called after `reset` and `setState` (CartPole clears its after-termination bookkeeping). */
  protected onNewState(): void {}

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    checkResetOptions(opts, this.id);
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.drawState(this.rng, opts.options);
    this.elapsed = 0;
    this.ready = true;
    this.terminal = false;
    this.onNewState();
    return { obs: this.observe(), info: {} };
  }

  step(action: Action): StepResult<Float32Array> {
    if (!this.ready) throw new Error(`${this.id}: call reset() (or setState()) before step()`);
    const a = this.parseAction(action);
    const reward = this.advance(a);
    this.elapsed++;
    return {
      obs: this.observe(),
      reward,
      terminated: this.terminal,
      truncated: this.elapsed >= this.maxEpisodeSteps,
      info: {},
    };
  }

  /** Steps taken since the last reset (the TimeLimit counter). */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  /** A copy of the physical state (Gymnasium's env.unwrapped.state), f64. */
  getState(): Float64Array {
    return this.state.slice();
  }

  /**
   * Sets the physical state (finite numbers, the state's length). The
   * elapsed-step counter is left alone (reset zeroes it); a fresh environment
   * becomes steppable with elapsed 0.
   */
  setState(state: ArrayLike<number>): void {
    this.state.set(checkPhysicalState(state, this.state.length, { env: this.id }));
    this.ready = true;
    this.terminal = false;
    this.onNewState();
  }

  close(): void {}
}

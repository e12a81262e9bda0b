/**
 * `checkEnv(env)`: what a user environment gets wrong, in the spirit of
 * Stable-Baselines3's `check_env` and Gymnasium's `env_checker`. It resets and
 * steps the environment with actions sampled from its action space and reports
 * every problem found as a clear message: the spaces, the shape of what
 * `reset` and `step` return, observations outside the observation space or of
 * the wrong element type, non-finite rewards, non-boolean flags, results that
 * differ between two runs under the same seed, and a `getState` / `setState`
 * pair that does not round-trip, and an `info.actionMask` that is not a
 * legal-action mask (n entries of 0/1 for Discrete(n), at least one legal;
 * when one is given, the actions taken are sampled among the legal ones).
 * Warnings are things that work but are
 * unusual (an action box not in [-1, 1], no declared time limit).
 */
import { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";
import { checkActionMask, checkObject, checkOptions } from "../core/validate.js";
import type { Env } from "./env.js";
import { Box, Discrete, type Space } from "./spaces.js";

export interface CheckEnvOptions {
  /** Steps to take (over several episodes); default 200. */
  steps?: number;
  /** Seed used for the resets and the sampled actions; default 0. */
  seed?: number;
  /** Throw an Error listing the problems instead of returning them; default false. */
  throws?: boolean;
}

export interface CheckEnvReport {
  /** True when no problem was found (warnings allowed). */
  ok: boolean;
  problems: string[];
  warnings: string[];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  return typeof value === "object" ? `an object with keys {${Object.keys(value as object).join(", ")}}` : typeof value;
}

function isSpace(x: unknown): x is Space {
  return x instanceof Box || x instanceof Discrete;
}

/** Why `obs` is not an element of `space` (undefined when it is). */
function observationProblem(space: Space, obs: unknown): string | undefined {
  if (space instanceof Discrete) {
    if (typeof obs !== "number" || !Number.isInteger(obs)) return `must be an integer index for ${space}, got ${describe(obs)}`;
    if (!space.contains(obs)) return `index ${obs} is outside ${space}`;
    return undefined;
  }
  const wanted = space.dtype === "float32" ? "Float32Array" : "Float64Array";
  if (!(obs instanceof Float32Array || obs instanceof Float64Array)) {
    return `must be a ${wanted} for ${space}, got ${describe(obs)}`;
  }
  if (obs.constructor.name !== wanted) return `has element type ${obs.constructor.name}, but the space's dtype is ${space.dtype} (${wanted})`;
  if (obs.length !== space.size) return `has ${obs.length} entries, the space's shape [${space.shape.join(", ")}] has ${space.size}`;
  for (let i = 0; i < obs.length; i++) {
    if (Number.isNaN(obs[i])) return `entry ${i} is NaN`;
    if (obs[i] < space.low[i]) return `entry ${i} = ${obs[i]} is below low = ${space.low[i]}`;
    if (obs[i] > space.high[i]) return `entry ${i} = ${obs[i]} is above high = ${space.high[i]}`;
  }
  return undefined;
}

/** The checked `info.actionMask` (0/1 bytes), or undefined when absent or reported as a problem. */
function actionMaskOf(space: Space, info: unknown, where: string, report: (where: string, message: string) => void): Uint8Array | undefined {
  const mask = info !== null && typeof info === "object" ? (info as { actionMask?: unknown }).actionMask : undefined;
  if (mask === undefined) return undefined;
  if (!(space instanceof Discrete)) {
    report(where, `info.actionMask is given, but action masks need a Discrete action space, not ${space}`);
    return undefined;
  }
  try {
    return checkActionMask("info.actionMask", mask, 1, space.n);
  } catch (error) {
    report(where, (error as Error).message);
    return undefined;
  }
}

/** A legal action drawn uniformly with `rng`. */
function sampleLegal(mask: Uint8Array, rng: Rng): number {
  const legal: number[] = [];
  mask.forEach((m, j) => m && legal.push(j));
  return legal[rng.int(legal.length)];
}

function sameObservation(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") return Object.is(a, b);
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return false;
  const x = a as unknown as ArrayLike<number>;
  const y = b as unknown as ArrayLike<number>;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** Runs one seeded rollout, recording (obs, reward, flags) per step; checks each result's shape. */
function rollout(env: Env, seed: number, steps: number, report: (where: string, message: string) => void): unknown[] | undefined {
  const rng = new Rng(seed);
  const trace: unknown[] = [];
  let mask: Uint8Array | undefined;
  const reset = (s?: number): boolean => {
    const r = env.reset(s === undefined ? {} : { seed: s }) as unknown;
    if (r === null || typeof r !== "object" || !("obs" in r)) {
      report("reset()", `must return { obs, info }, got ${describe(r)}`);
      return false;
    }
    const { obs, info } = r as { obs: unknown; info: unknown };
    if (info === null || typeof info !== "object") report("reset()", `info must be an object, got ${describe(info)}`);
    const problem = observationProblem(env.observationSpace, obs);
    if (problem) report("reset()", `the observation ${problem}`);
    mask = actionMaskOf(env.actionSpace, info, "reset()", report);
    trace.push(ArrayBuffer.isView(obs) ? (obs as Float32Array).slice() : obs);
    return true;
  };
  if (!reset(seed)) return undefined;
  for (let t = 0; t < steps; t++) {
    const action = mask ? sampleLegal(mask, rng) : env.actionSpace.sample(rng);
    const r = env.step(action) as unknown;
    const where = `step() #${t + 1}`;
    if (r === null || typeof r !== "object") {
      report(where, `must return { obs, reward, terminated, truncated, info }, got ${describe(r)}`);
      return undefined;
    }
    const missing = ["obs", "reward", "terminated", "truncated", "info"].filter((k) => !(k in r));
    if (missing.length) {
      report(where, `the result lacks ${missing.join(", ")} (Gymnasium's five-field step result)`);
      return undefined;
    }
    const { obs, reward, terminated, truncated, info } = r as Record<string, unknown>;
    const problem = observationProblem(env.observationSpace, obs);
    if (problem) report(where, `the observation ${problem}`);
    if (typeof reward !== "number") report(where, `reward must be a number, got ${describe(reward)}`);
    else if (!Number.isFinite(reward)) report(where, `reward must be finite, got ${reward}`);
    if (typeof terminated !== "boolean") report(where, `terminated must be a boolean, got ${describe(terminated)}`);
    if (typeof truncated !== "boolean") report(where, `truncated must be a boolean, got ${describe(truncated)}`);
    if (info === null || typeof info !== "object") report(where, `info must be an object, got ${describe(info)}`);
    trace.push(ArrayBuffer.isView(obs) ? (obs as Float32Array).slice() : obs, reward, terminated, truncated);
    if (terminated === true || truncated === true) {
      if (!reset()) return undefined;
    } else {
      // Only while the episode goes on: a final state may have no legal action.
      mask = actionMaskOf(env.actionSpace, info, where, report);
    }
  }
  return trace;
}

/**
 * Checks a user environment and returns the problems and warnings found
 * (or throws an Error listing them, with `{ throws: true }`). The environment
 * is reset and stepped: do not use it for anything else meanwhile.
 */
/** Most steps `checkEnv` takes: it is a check, not a training run. */
const MAX_CHECK_STEPS = 1_000_000;

export function checkEnv(env: Env, options: CheckEnvOptions = {}): CheckEnvReport {
  checkObject("options", options, "checkEnv: { steps, seed, throws }");
  checkOptions("options", options, ["steps", "seed", "throws"], "checkEnv");
  const steps = options.steps ?? 200;
  const seed = options.seed ?? 0;
  if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1 || steps > MAX_CHECK_STEPS) {
    throw new ValidationError("steps", `must be an integer in [1, ${MAX_CHECK_STEPS}] (checkEnv)`, steps);
  }
  if (typeof seed !== "number" || !Number.isFinite(seed)) throw new ValidationError("seed", "must be a finite number (checkEnv)", seed);
  if (options.throws !== undefined && typeof options.throws !== "boolean") {
    throw new ValidationError("throws", "must be true or false (checkEnv)", options.throws);
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  const report = (where: string, message: string): void => {
    const text = `${where}: ${message}`;
    // One message per kind of problem: a broken observation would otherwise repeat every step.
    const kind = text.replace(/#\d+/, "#").replace(/-?\d+(\.\d+)?(e-?\d+)?/g, "N");
    if (!problems.some((p) => p.replace(/#\d+/, "#").replace(/-?\d+(\.\d+)?(e-?\d+)?/g, "N") === kind)) problems.push(text);
  };
  const finish = (): CheckEnvReport => {
    const result = { ok: problems.length === 0, problems, warnings };
    if (options.throws && problems.length) {
      throw new Error(`checkEnv found ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    }
    return result;
  };

  if (env === null || typeof env !== "object") {
    problems.push(`the environment must be an object, got ${describe(env)}`);
    return finish();
  }
  for (const name of ["observationSpace", "actionSpace"] as const) {
    if (!isSpace(env[name])) problems.push(`${name} must be a Box or a Discrete (from mirror-rl's spaces), got ${describe(env[name])}`);
  }
  for (const name of ["reset", "step"] as const) {
    if (typeof env[name] !== "function") problems.push(`${name} must be a method`);
  }
  if (problems.length) return finish();

  const box = env.actionSpace;
  if (box instanceof Box && !(box.low.every((v) => v === -1) && box.high.every((v) => v === 1))) {
    warnings.push(`actionSpace ${box} is not [-1, 1]: Gaussian policies work best with a normalised action box (rescale inside step)`);
  }
  if (env.observationSpace instanceof Box && env.observationSpace.dtype !== "float32") {
    warnings.push(`observationSpace has dtype ${env.observationSpace.dtype}: the neural networks take float32`);
  }
  if (env.maxEpisodeSteps === undefined) {
    warnings.push("maxEpisodeSteps is not declared: say the time limit (Infinity if none) so that learners know episodes can be truncated");
  }

  let first: unknown[] | undefined;
  try {
    first = rollout(env, seed, steps, report);
  } catch (error) {
    problems.push(`reset()/step() threw with actions sampled from actionSpace: ${(error as Error).message}`);
    return finish();
  }
  if (first) {
    try {
      const second = rollout(env, seed, steps, () => {});
      if (second) {
        const n = Math.min(first.length, second.length);
        for (let i = 0; i < n; i++) {
          if (!sameObservation(first[i], second[i]) && first[i] !== second[i]) {
            problems.push(
              `reset({ seed: ${seed} }) is not deterministic: two runs with the same seed and the same actions differ at result ${i} ` +
                `(${describe(first[i])} vs ${describe(second[i])}); draw all randomness from a generator re-seeded in reset`,
            );
            break;
          }
        }
      }
    } catch (error) {
      problems.push(`a second seeded run threw: ${(error as Error).message}`);
    }
  }

  const hasGet = typeof env.getState === "function";
  const hasSet = typeof env.setState === "function";
  if (hasGet !== hasSet) problems.push(`${hasGet ? "getState" : "setState"} is defined without ${hasGet ? "setState" : "getState"}: define both or neither`);
  if (hasGet && hasSet) {
    try {
      env.reset({ seed });
      const state = env.getState!();
      if (!(state instanceof Float64Array)) problems.push(`getState() must return a Float64Array, got ${describe(state)}`);
      const copy = Float64Array.from(state as ArrayLike<number>);
      env.step(env.actionSpace.sample(new Rng(seed)));
      env.setState!(copy);
      const back = env.getState!();
      if (back.length !== copy.length || copy.some((v, i) => !Object.is(v, back[i]))) {
        problems.push(`setState(getState()) does not round-trip: set [${Array.from(copy).join(", ")}], read back [${Array.from(back).join(", ")}]`);
      }
      if (state instanceof Float64Array) {
        const before = Float64Array.from(env.getState!());
        state.fill(12345);
        const after = env.getState!();
        if (after.some((v, i) => !Object.is(v, before[i]))) problems.push("getState() must return a copy: writing to it changed the environment");
      }
    } catch (error) {
      problems.push(`getState()/setState() threw: ${(error as Error).message}`);
    }
  }
  return finish();
}

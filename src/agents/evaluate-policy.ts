/**
 * SB3's evaluate_policy: runs `episodes` full episodes of a single environment
 * with the agent's `predict` and reports the mean and (population) standard
 * deviation of the undiscounted returns, as SB3 does (np.mean, np.std).
 * Episode i is reset with seed + i, so an evaluation is reproducible.
 * When the environment gives legal-action masks (`info.actionMask` of its
 * reset and step results), they are passed to `predict` as `actionMask`
 * (SB3-contrib's evaluate_policy with use_masking), so only legal actions
 * are played.
 */
import { ValidationError, type Location } from "../core/errors.js";
import { checkActionMask, checkOptions, kindOf, nearestName } from "../core/validate.js";
import { ENV_IDS, makeEnv, type EnvId } from "../envs/registry.js";
import type { Env, Observation } from "../envs/env.js";

export interface Predictor {
  predict(obs: ArrayLike<number> | number, options?: { deterministic?: boolean; actionMask?: ArrayLike<number | boolean> }): number | Int32Array | Float32Array;
}

export interface EvaluatePolicyOptions {
  /** Default 10 (SB3's n_eval_episodes). */
  episodes?: number;
  /** Default true. */
  deterministic?: boolean;
  /** Episode i is reset with seed + i; default 0. */
  seed?: number;
  /** Stop an episode after this many steps even without truncation; default 1e6. */
  maxSteps?: number;
}

export interface EvaluatePolicyResult {
  mean: number;
  std: number;
  returns: number[];
  lengths: number[];
}

export function evaluatePolicy(agent: Predictor, env: Env | EnvId | (string & {}), options: EvaluatePolicyOptions = {}): EvaluatePolicyResult {
  if (!agent || typeof agent.predict !== "function") throw new ValidationError("agent", "must have predict(obs, options)", kindOf(agent));
  checkOptions("options", options, ["episodes", "deterministic", "seed", "maxSteps"], "evaluatePolicy");
  const episodes = options.episodes ?? 10;
  if (typeof episodes !== "number" || !Number.isInteger(episodes) || episodes < 1) throw new ValidationError("episodes", "must be an integer >= 1", episodes);
  const seed = options.seed ?? 0;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new ValidationError("seed", "must be an integer", seed);
  const deterministic = options.deterministic ?? true;
  if (typeof deterministic !== "boolean") throw new ValidationError("deterministic", "must be true or false", deterministic);
  const maxSteps = options.maxSteps ?? 1e6;
  if (typeof maxSteps !== "number" || !(maxSteps >= 1)) throw new ValidationError("maxSteps", "must be a number >= 1", maxSteps);
  if (typeof env === "string" && !(ENV_IDS as readonly string[]).includes(env)) {
    const near = nearestName(env, ENV_IDS);
    throw new ValidationError("env", `unknown environment id (built-in: ${ENV_IDS.join(", ")})${near ? `; did you mean "${near}"?` : ""}`, env);
  }
  const e: Env = typeof env === "string" ? makeEnv(env as EnvId) : env;
  if (!e || typeof e.step !== "function" || typeof e.reset !== "function") {
    throw new ValidationError("env", "must be an environment id or an Env", typeof env === "object" ? kindOf(env) : env);
  }
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < episodes; i++) {
    const first = e.reset({ seed: seed + i });
    let obs: Observation = first.obs;
    let mask = actionMaskOf(e, first.info, { episode: i, step: 0 });
    let total = 0;
    let steps = 0;
    for (;;) {
      const action = agent.predict(obs as ArrayLike<number> | number, mask === undefined ? { deterministic } : { deterministic, actionMask: mask });
      const r = e.step(action);
      if (r === null || typeof r !== "object" || typeof r.terminated !== "boolean" || typeof r.truncated !== "boolean") {
        throw new ValidationError("env", "step() must return { obs, reward, terminated, truncated, info } with boolean flags (Gymnasium's API; see checkEnv)",
          r !== null && typeof r === "object" ? Object.keys(r).join(", ") : kindOf(r), { episode: i, step: steps });
      }
      if (typeof r.reward !== "number" || !Number.isFinite(r.reward)) {
        throw new ValidationError("reward", "the environment returned a reward that is not a finite number", r.reward, { episode: i, step: steps });
      }
      total += r.reward;
      steps++;
      obs = r.obs;
      if (r.terminated || r.truncated || steps >= maxSteps) break;
      // Read only when the episode goes on: a final state may have no legal action.
      mask = actionMaskOf(e, r.info, { episode: i, step: steps });
    }
    returns.push(total);
    lengths.push(steps);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
  return { mean, std, returns, lengths };
}

/** The checked `actionMask` of a reset or step info (0/1 bytes), or undefined when it has none. */
function actionMaskOf(e: Env, info: unknown, where: Location): Uint8Array | undefined {
  if (info === null || typeof info !== "object") return undefined;
  const m = (info as { actionMask?: unknown }).actionMask;
  if (m === undefined) return undefined;
  const space = e.actionSpace;
  if (space?.kind !== "discrete") throw new ValidationError("info.actionMask", "action masks need a Discrete action space", String(space), where);
  return checkActionMask("info.actionMask", m, 1, space.n, where);
}

/**
 * SB3's evaluate_policy: runs `episodes` full episodes of a single environment
 * with the agent's `predict` and reports the mean and (population) standard
 * deviation of the undiscounted returns, as SB3 does (np.mean, np.std).
 * Episode i is reset with seed + i, so an evaluation is reproducible.
 */
import { ValidationError } from "../core/errors.js";
import { makeEnv, type EnvId } from "../envs/registry.js";
import type { Env, Observation } from "../envs/env.js";

export interface Predictor {
  predict(obs: ArrayLike<number> | number, options?: { deterministic?: boolean }): number | Int32Array | Float32Array;
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
  if (!agent || typeof agent.predict !== "function") throw new ValidationError("agent", "must have predict(obs, options)", agent);
  const episodes = options.episodes ?? 10;
  if (!Number.isInteger(episodes) || episodes < 1) throw new ValidationError("episodes", "must be an integer >= 1", episodes);
  const seed = options.seed ?? 0;
  const deterministic = options.deterministic ?? true;
  const maxSteps = options.maxSteps ?? 1e6;
  const e: Env = typeof env === "string" ? makeEnv(env as EnvId) : env;
  if (!e || typeof e.step !== "function") throw new ValidationError("env", "must be an environment id or an Env", env);
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < episodes; i++) {
    let obs: Observation = e.reset({ seed: seed + i }).obs;
    let total = 0;
    let steps = 0;
    for (;;) {
      const action = agent.predict(obs as ArrayLike<number> | number, { deterministic });
      const r = e.step(action);
      total += r.reward;
      steps++;
      obs = r.obs;
      if (r.terminated || r.truncated || steps >= maxSteps) break;
    }
    returns.push(total);
    lengths.push(steps);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
  return { mean, std, returns, lengths };
}

/**
 * Trust Region Policy Optimization (Schulman, Levine, Moritz, Jordan &
 * Abbeel 2015) with sb3-contrib's API, defaults and update, for discrete and
 * continuous (diagonal Gaussian) actions. In Mirror Learning terms (Kuba et
 * al. 2022) TRPO has zero drift and the mean-KL ball
 * E_s KL(pi_old(.|s) || pi(.|s)) <= targetKl as neighbourhood: the exact
 * tabular step is `trpo({ delta })` (lower case); this class takes it from
 * samples with a parametrised policy.
 *
 * One iteration: rollout of nSteps x numEnvs steps -> GAE(lambda)
 * advantages (normalised) -> on the rollout (or a random
 * 1/subSamplingFactor of it) the surrogate's gradient g, the natural
 * direction s = (F + cgDamping I)^{-1} g by cgMaxSteps conjugate-gradient
 * steps on Fisher-vector products, the full step beta s with
 * beta = sqrt(2 targetKl / s^T F s), then a backtracking line search
 * (beta, 0.8 beta, ...; lineSearchMaxIter tries) that accepts the first step
 * with mean KL < targetKl and a larger surrogate, or keeps the old
 * parameters -> nCriticUpdates passes of Adam over minibatches of batchSize
 * for the critic's squared error -> metrics (CleanRL's names and sb3-contrib's
 * train/policy_objective, train/kl_divergence_loss, train/is_line_search_success).
 *
 *   const agent = new TRPO({ env: "CartPole-v1", numEnvs: 2, nSteps: 512, batchSize: 512, cgDamping: 1e-3,
 *     gaeLambda: 0.98, nCriticUpdates: 20, seed: 1 });       // rl-baselines3-zoo's CartPole settings
 *   await agent.learn(100_000);
 *   const bytes = agent.save(); const again = TRPO.load(bytes);
 */
import { ValidationError } from "../core/errors.js";
import { loadedConfig, readAgentFile, type AlgorithmKeys, type EnvSpec, type LoadOptions } from "./on-policy.js";
import { backtrackingLineSearch, trustRegionStepSize, type NaturalDirection } from "./natural-gradient.js";
import {
  NATURAL_DEFAULTS, NATURAL_KEYS, NOT_NATURAL_KEYS, NaturalPolicyAgent, naturalSettings, type NaturalPolicyConfig, type PolicyStepResult,
} from "./natural-policy-agent.js";
import { decodeAgentFile } from "./agent-file.js";
import type { DivergenceHint } from "./diverged.js";

/** TRPO's config: sb3-contrib's hyperparameters in camelCase (defaults are sb3-contrib's). */
export interface TRPOConfig<E extends EnvSpec = EnvSpec> extends NaturalPolicyConfig<E> {
  /** Upper bound on the mean KL between the old and the new policy of an accepted step; default 0.01. */
  targetKl?: number;
  /** Factor the step shrinks by after a rejected candidate, in (0, 1); default 0.8. */
  lineSearchShrinkingFactor?: number;
  /** Candidates the line search tries; default 10. */
  lineSearchMaxIter?: number;
}

export const TRPO_DEFAULTS = { ...NATURAL_DEFAULTS, targetKl: 0.01, lineSearchShrinkingFactor: 0.8, lineSearchMaxIter: 10 } as const;

const TRPO_ONLY_KEYS = ["targetKl", "lineSearchShrinkingFactor", "lineSearchMaxIter"] as const;

/** TRPO's own settings, checked (before anything is allocated) and resolved. */
function trpoSettings(c: TRPOConfig) {
  naturalSettings(c);
  const targetKl = c.targetKl ?? TRPO_DEFAULTS.targetKl;
  if (typeof targetKl !== "number" || !(targetKl > 0 && targetKl < Infinity)) throw new ValidationError("targetKl", "must be a finite number > 0", targetKl);
  const shrink = c.lineSearchShrinkingFactor ?? TRPO_DEFAULTS.lineSearchShrinkingFactor;
  if (typeof shrink !== "number" || !(shrink > 0 && shrink < 1)) throw new ValidationError("lineSearchShrinkingFactor", "must be a number in (0, 1)", shrink);
  const maxIter = c.lineSearchMaxIter ?? TRPO_DEFAULTS.lineSearchMaxIter;
  if (typeof maxIter !== "number" || !Number.isInteger(maxIter) || maxIter < 1 || maxIter > 1e6) {
    throw new ValidationError("lineSearchMaxIter", "must be an integer in [1, 1e6]", maxIter);
  }
  return { targetKl, shrink, maxIter };
}

const TRPO_KEYS = {
  algorithm: "TRPO", keys: [...NATURAL_KEYS, ...TRPO_ONLY_KEYS], other: "PPO, A2C or NPG", otherKeys: [...NOT_NATURAL_KEYS, "stepSize"],
  otherWhy: "TRPO takes one KL-constrained natural-gradient step per rollout (no entropy bonus, clipping, epochs or gradient-norm " +
    "clipping) and fits its critic alone",
  check: trpoSettings,
} as const satisfies AlgorithmKeys;

// Every TRPOConfig key is in the list checkAgentConfig accepts.
type UnlistedTrpoKeys = Exclude<keyof TRPOConfig, (typeof TRPO_KEYS.keys)[number]>;
const TRPO_KEYS_LISTED: [UnlistedTrpoKeys] extends [never] ? true : UnlistedTrpoKeys = true;

/**
 * TRPO trained from samples (Schulman et al. 2015), with sb3-contrib's
 * hyperparameters; see the module comment. For the exact tabular instance on
 * a known MDP use `trpo({ delta })` (lower case) with `optimise`.
 */
export class TRPO<E extends EnvSpec = EnvSpec> extends NaturalPolicyAgent<TRPOConfig<E>> {
  readonly algorithm = "TRPO" as const;
  readonly targetKl: number;
  readonly lineSearchShrinkingFactor: number;
  readonly lineSearchMaxIter: number;

  constructor(config: TRPOConfig<E>) {
    super(config, TRPO_KEYS);
    const s = trpoSettings(config);
    this.targetKl = s.targetKl;
    this.lineSearchShrinkingFactor = s.shrink;
    this.lineSearchMaxIter = s.maxIter;
  }

  /** The trust-region step: beta = sqrt(2 targetKl / s^T F s), then sb3-contrib's backtracking line search. */
  protected policyStep(dir: NaturalDirection): PolicyStepResult {
    const beta = trustRegionStepSize(this.targetKl, dir.sFs);
    if (beta === 0) return { objective: dir.objective, kl: 0, accepted: 0, stepSize: 0 };
    const step = this.step;
    const search = backtrackingLineSearch((c) => step.evaluate(c * beta), dir.objective, {
      targetKl: this.targetKl, shrinkingFactor: this.lineSearchShrinkingFactor, maxIter: this.lineSearchMaxIter,
    });
    if (!search.accepted) step.restore();
    return { objective: search.objective, kl: search.kl, accepted: search.accepted ? 1 : 0, stepSize: search.coefficient * beta };
  }

  protected stepHints(): DivergenceHint[] {
    return [["targetKl", this.targetKl]];
  }

  protected configJson(): Record<string, unknown> {
    return {
      ...this.naturalConfigJson(), targetKl: this.targetKl, lineSearchShrinkingFactor: this.lineSearchShrinkingFactor,
      lineSearchMaxIter: this.lineSearchMaxIter,
    };
  }

  /**
   * An agent from `save()`'s bytes: same config, parameters, critic optimiser
   * state, normalisation statistics and random streams (see PPO.load).
   */
  static load(bytes: Uint8Array, options: LoadOptions<TRPOConfig> = {}): TRPO {
    const payload = decodeAgentFile(bytes);
    const agent = new TRPO(loadedConfig(payload, "TRPO", options) as unknown as TRPOConfig);
    return agent.restoreOrDispose(payload);
  }

  /** `load` from a file (Node). */
  static loadFile(path: string, options: LoadOptions<TRPOConfig> = {}): TRPO {
    return TRPO.load(readAgentFile(path), options);
  }
}

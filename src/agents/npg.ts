/**
 * Natural policy gradient (Kakade 2001) trained from samples: each update
 * moves the policy by a step size eta_k along the natural gradient,
 *
 *   theta_{k+1} = theta_k + eta_k (F + cgDamping I)^{-1} g,
 *
 * g the gradient of the surrogate mean_r A_r pi(a_r|s_r) / pi_old(a_r|s_r)
 * and F the Fisher matrix of the rollout's states (conjugate gradients on
 * Fisher-vector products, as TRPO), with TRPO's critic. There is no line
 * search: eta_k is a number, a function of the update index k = 0, 1, ...,
 * or a geometric schedule { eta0, gamma } giving eta_k = eta0 / gamma^k, the
 * increasing step sizes under which policy mirror descent converges
 * linearly (Xiao 2022; Lan 2022).
 *
 * In Mirror Learning terms (Kuba et al. 2022) NPG is the reverse-KL drift
 * (1/eta) KL(pi || pi_old): for a tabular softmax policy (one-hot
 * observations, no hidden layer) and exact advantages the natural step
 * gives pi_new(.|s) ∝ pi_old(.|s) exp(eta A(s, .)) in every state the batch
 * visits, whatever the states' frequencies (they weight the gradient and the
 * Fisher matrix alike) — the exact step of `npg({ stepSize })` (lower case).
 *
 *   const agent = new NPG({ env: "CartPole-v1", stepSize: { eta0: 0.05, gamma: 0.99 }, seed: 1 });
 *   await agent.learn(200_000);
 */
import { ValidationError } from "../core/errors.js";
import { loadedConfig, readAgentFile, type AlgorithmKeys, type EnvSpec, type LoadOptions } from "./on-policy.js";
import {
  NATURAL_DEFAULTS, NATURAL_KEYS, NOT_NATURAL_KEYS, NaturalPolicyAgent, naturalSettings, type NaturalPolicyConfig, type PolicyStepResult,
} from "./natural-policy-agent.js";
import { decodeAgentFile } from "./agent-file.js";
import type { DivergenceHint } from "./diverged.js";

/** eta_k > 0 for update k = 0, 1, ...: a number, a function of k, or eta0 / gamma^k. */
export type NpgStepSize = number | ((k: number) => number) | { readonly eta0: number; readonly gamma: number };

/** NPG's config: TRPO's settings without the line search, and a step size. */
export interface NPGConfig<E extends EnvSpec = EnvSpec> extends NaturalPolicyConfig<E> {
  /** The natural-gradient step size eta_k; default 0.1. */
  stepSize?: NpgStepSize;
}

export const NPG_DEFAULTS = { ...NATURAL_DEFAULTS, stepSize: 0.1 } as const;

/** eta_k as a checked function of k. */
function stepSizeFn(s: unknown): (k: number) => number {
  const check = (eta: unknown, k: number): number => {
    if (typeof eta !== "number" || !(eta > 0 && eta < Infinity)) throw new ValidationError("stepSize", "must give a finite number > 0", eta, { update: k });
    return eta;
  };
  if (typeof s === "number") {
    check(s, 0);
    return () => s;
  }
  if (typeof s === "function") return (k) => check((s as (k: number) => number)(k), k);
  if (s !== null && typeof s === "object" && !Array.isArray(s)) {
    const o = s as { eta0?: unknown; gamma?: unknown };
    for (const key of Object.keys(o)) {
      if (key !== "eta0" && key !== "gamma") throw new ValidationError("stepSize", `a geometric schedule is { eta0, gamma }, not "${key}"`, key);
    }
    const eta0 = o.eta0;
    const gamma = o.gamma;
    if (typeof eta0 !== "number" || !(eta0 > 0 && eta0 < Infinity)) throw new ValidationError("stepSize.eta0", "must be a finite number > 0", eta0);
    if (typeof gamma !== "number" || !(gamma > 0 && gamma <= 1)) throw new ValidationError("stepSize.gamma", "must be a number in (0, 1]", gamma);
    return (k) => check(eta0 / gamma ** k, k);
  }
  throw new ValidationError("stepSize", "must be a number > 0, a function k => eta_k, or { eta0, gamma } (eta_k = eta0 / gamma^k)", s);
}

function npgSettings(c: NPGConfig) {
  naturalSettings(c);
  return { stepSizeFn: stepSizeFn(c.stepSize ?? NPG_DEFAULTS.stepSize) };
}

const NPG_KEYS = {
  algorithm: "NPG", keys: [...NATURAL_KEYS, "stepSize"], other: "PPO, A2C or TRPO",
  otherKeys: [...NOT_NATURAL_KEYS, "targetKl", "lineSearchShrinkingFactor", "lineSearchMaxIter"],
  otherWhy: "NPG takes one natural-gradient step of size stepSize per rollout (no line search, entropy bonus, clipping, epochs or " +
    "gradient-norm clipping) and fits its critic alone",
  check: npgSettings,
} as const satisfies AlgorithmKeys;

// Every NPGConfig key is in the list checkAgentConfig accepts.
type UnlistedNpgKeys = Exclude<keyof NPGConfig, (typeof NPG_KEYS.keys)[number]>;
const NPG_KEYS_LISTED: [UnlistedNpgKeys] extends [never] ? true : UnlistedNpgKeys = true;

/**
 * The natural policy gradient trained from samples (Kakade 2001); see the
 * module comment. For the exact tabular instance use `npg({ stepSize })`
 * (lower case) with `optimise`.
 */
export class NPG<E extends EnvSpec = EnvSpec> extends NaturalPolicyAgent<NPGConfig<E>> {
  readonly algorithm = "NPG" as const;
  private readonly stepSizeFn: (k: number) => number;

  constructor(config: NPGConfig<E>) {
    super(config, NPG_KEYS);
    this.stepSizeFn = npgSettings(config).stepSizeFn;
  }

  /** eta_k of update k (0-based; the update being trained is k = iterations - 1). */
  stepSizeAt(k: number): number {
    return this.stepSizeFn(k);
  }

  /** theta_old + eta_k s, always taken. */
  protected policyStep(): PolicyStepResult {
    const eta = this.stepSizeFn(Math.max(0, this.iterations - 1));
    const { objective, kl } = this.step.evaluate(eta);
    if (!Number.isFinite(objective) || !Number.isFinite(kl)) {
      this.step.restore();
      throw this.diverged(Number.isFinite(kl) ? "the surrogate after the step" : "the KL after the step", Number.isFinite(kl) ? objective : kl);
    }
    return { objective, kl, accepted: 1, stepSize: eta };
  }

  protected stepHints(): DivergenceHint[] {
    let eta: unknown;
    try {
      eta = this.stepSizeFn(Math.max(0, this.iterations - 1));
    } catch {
      eta = this.config.stepSize;
    }
    return [["stepSize", eta]];
  }

  protected configJson(): Record<string, unknown> {
    const s = this.config.stepSize ?? NPG_DEFAULTS.stepSize;
    // A function cannot be saved: its value at the current update is (pass it again in load's overrides to keep the schedule).
    const stepSize = typeof s === "function" ? this.stepSizeFn(Math.max(0, this.iterations - 1)) : s;
    return { ...this.naturalConfigJson(), stepSize };
  }

  /** An agent from `save()`'s bytes (see TRPO.load). */
  static load(bytes: Uint8Array, options: LoadOptions<NPGConfig> = {}): NPG {
    const payload = decodeAgentFile(bytes);
    const agent = new NPG(loadedConfig(payload, "NPG", options) as unknown as NPGConfig);
    return agent.restoreOrDispose(payload);
  }

  /** `load` from a file (Node). */
  static loadFile(path: string, options: LoadOptions<NPGConfig> = {}): NPG {
    return NPG.load(readAgentFile(path), options);
  }
}

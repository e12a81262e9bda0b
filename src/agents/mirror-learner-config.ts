/**
 * MirrorLearner's settings (and the part of them PPO shares): the config
 * types with SB3's PPO names, the defaults, the checks made before anything
 * is allocated, the drift (it must have a per-sample estimator, see
 * ./drift-loss.ts) and the neighbourhood of the sample-based step
 * (`sampleNeighbourhood`: the hook where a KL ball goes to the
 * natural-gradient step). The learner itself is ./mirror-learner.ts.
 */
import { ValidationError } from "../core/errors.js";
import {
  allPolicies, resolveDrift, resolveNeighbourhood, type Drift, type DriftSpec, type Neighbourhood, type NeighbourhoodSpec,
} from "../mirror/index.js";
import type { AlgorithmDefaults, AlgorithmKeys, EnvSpec, OnPolicyConfig } from "./on-policy.js";
import { driftLossPath } from "./drift-loss.js";
import { COMMON_KEYS, MIRROR_LEARNER_ONLY_KEYS, SDE_KEYS } from "./config.js";
import type { SdeConfig } from "./sde.js";
import { scheduleFn, type Schedule } from "./schedules.js";

/** The settings of the minibatch update that MirrorLearner and PPO share (SB3's PPO names). */
export interface LearnerConfig<E extends EnvSpec = EnvSpec> extends OnPolicyConfig<E>, SdeConfig {
  /** Steps per copy per rollout; default 2048. */
  nSteps?: number;
  /** Minibatch size; default 64. */
  batchSize?: number;
  /** Passes over the rollout per iteration; default 10. */
  nEpochs?: number;
  /** Default 0.99. */
  gamma?: number;
  /** Default 0.95. */
  gaeLambda?: number;
  /** Adam's step size, or a schedule of progress remaining; default 3e-4. */
  learningRate?: Schedule;
  /** Clip the value prediction around the rollout's value by this much; default none. */
  clipRangeVf?: Schedule | null;
  /** Default 0. */
  entCoef?: number;
  /** Default 0.5. */
  vfCoef?: number;
  /** Default 0.5. */
  maxGradNorm?: number;
  /** Stop an iteration's epochs when approx_kl > 1.5 targetKl; default none. */
  targetKl?: number | null;
  /** Default true. */
  normalizeAdvantage?: boolean;
}

/** MirrorLearner's config: PPO's settings with the drift and the neighbourhood in place of clipRange. */
export interface MirrorLearnerConfig<E extends EnvSpec = EnvSpec> extends LearnerConfig<E> {
  /**
   * The drift: a drift object (`forwardKlDrift(C)`, `reverseKlDrift(eta)`,
   * `squaredL2Drift(C)`, `clipDrift(eps)`, `zeroDrift()`, `customDrift({...})`
   * with a `sample` estimator) or its plain fields (`{ kind: "forwardKl", coefficient: 1 }`).
   */
  drift: Drift | DriftSpec;
  /** `allPolicies()` (default); see the module comment for the others. */
  neighbourhood?: Neighbourhood | NeighbourhoodSpec;
}

/** MirrorLearner's defaults: PPO's (Stable-Baselines3's). */
export const MIRROR_LEARNER_DEFAULTS = {
  nSteps: 2048, batchSize: 64, nEpochs: 10, gamma: 0.99, gaeLambda: 0.95, learningRate: 3e-4,
  entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, normalizeAdvantage: true,
} as const;

/** Defaults of a learner: the common ones, the minibatch size and the epochs. */
export type LearnerDefaults = AlgorithmDefaults & { readonly batchSize: number; readonly nEpochs: number };

/** The resolved settings of the minibatch update. */
export interface LearnerSettings {
  batchSize: number;
  nEpochs: number;
  targetKl: number | undefined;
  clipRangeVfFn: ((p: number) => number) | undefined;
}

/**
 * What a learner class supplies (MirrorLearner's own, or PPO's): its name,
 * defaults and config keys (`keys.check` checks its settings before
 * anything is allocated), its resolved settings, the drift of each update
 * as a function of progress remaining, and its neighbourhood.
 */
export interface LearnerSetup {
  readonly defaults: LearnerDefaults;
  readonly keys: AlgorithmKeys;
  settings(config: never): LearnerSettings & { driftAt: (progressRemaining: number) => Drift; neighbourhood: Neighbourhood };
}

/** batchSize, nEpochs and targetKl, checked (PPO's messages). */
export function checkLearnerSettings(c: LearnerConfig, d: LearnerDefaults): Omit<LearnerSettings, "clipRangeVfFn"> {
  const batchSize = c.batchSize ?? d.batchSize;
  if (typeof batchSize !== "number" || !Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ValidationError("batchSize", "must be an integer >= 1", batchSize);
  }
  const nEpochs = c.nEpochs ?? d.nEpochs;
  if (typeof nEpochs !== "number" || !Number.isInteger(nEpochs) || nEpochs < 1 || nEpochs > 1e6) {
    throw new ValidationError("nEpochs", "must be an integer in [1, 1e6]", nEpochs);
  }
  if (c.targetKl != null && !(typeof c.targetKl === "number" && c.targetKl > 0)) {
    throw new ValidationError("targetKl", "must be a number > 0, or null", c.targetKl);
  }
  return { batchSize, nEpochs, targetKl: c.targetKl ?? undefined };
}

/** The value clip's schedule, if any. */
export function clipRangeVfSchedule(c: LearnerConfig): ((p: number) => number) | undefined {
  return c.clipRangeVf == null ? undefined : scheduleFn("clipRangeVf", c.clipRangeVf);
}

/** A readable name of a neighbourhood for messages. */
function neighbourhoodName(nb: Neighbourhood): string {
  switch (nb.kind) {
    case "meanKl": return `meanKlBall(delta=${nb.delta})`;
    case "maxKl": return `maxKlBall(delta=${nb.delta})`;
    case "tv": return `tvBall(delta=${nb.delta})`;
    case "mixture": return `mixtureSegment(alphaMax=${nb.alphaMax})`;
    default: return "allPolicies()";
  }
}

/**
 * The neighbourhood of the sample-based step, checked: `allPolicies()`
 * (undefined gives it) is taken by gradient steps on the penalised
 * surrogate. The KL balls are constraints, for a natural-gradient step
 * (Fisher-vector products F v = J^T M J v through the network, conjugate
 * gradient, a backtracking line search on the KL and the surrogate): that
 * step is the TRPO agent's. This is the hook where a KL ball will be routed
 * to it; until then it is rejected, as are the TV ball and the mixture
 * segment (no sample-based step here).
 */
export function sampleNeighbourhood(x: unknown, field = "neighbourhood"): Neighbourhood {
  if (x === undefined) return allPolicies();
  const nb = resolveNeighbourhood(x, field);
  if (nb.kind === "all") return nb;
  if (nb.kind === "meanKl" || nb.kind === "maxKl") {
    throw new ValidationError(
      field,
      "a KL ball is a constraint, taken by a natural-gradient step (Fisher-vector products, conjugate gradient, a line search): " +
        "use TRPO for it; MirrorLearner takes allPolicies() and a drift as the penalty (forwardKlDrift(C) is its penalty form)",
      neighbourhoodName(nb),
    );
  }
  throw new ValidationError(
    field,
    "has no sample-based step: MirrorLearner takes allPolicies() (a KL ball goes to TRPO's natural-gradient step)",
    neighbourhoodName(nb),
  );
}

/** The drift of a MirrorLearner config, checked: it must exist and have a per-sample estimator. */
function configDrift(x: unknown): Drift {
  if (x === undefined) {
    throw new ValidationError(
      "drift",
      "is required: a drift object, e.g. forwardKlDrift(1), reverseKlDrift(0.1), squaredL2Drift(1), clipDrift(0.2) or customDrift({ ..., sample })",
      undefined,
    );
  }
  const drift = resolveDrift(x, "drift");
  driftLossPath(drift, "drift");
  return drift;
}

function mirrorSettings(c: MirrorLearnerConfig) {
  const base = checkLearnerSettings(c, MIRROR_LEARNER_DEFAULTS);
  const clipRangeVfFn = clipRangeVfSchedule(c);
  const drift = configDrift(c.drift);
  const neighbourhood = sampleNeighbourhood(c.neighbourhood);
  return { ...base, clipRangeVfFn, driftAt: () => drift, neighbourhood };
}

/** MirrorLearner's setup (see LearnerSetup). */
export const MIRROR_SETUP: LearnerSetup = {
  defaults: MIRROR_LEARNER_DEFAULTS,
  keys: {
    algorithm: "MirrorLearner", keys: [...COMMON_KEYS, ...SDE_KEYS, ...MIRROR_LEARNER_ONLY_KEYS], other: "PPO", otherKeys: ["clipRange"],
    otherWhy: "MirrorLearner takes its drift as an object: pass drift: clipDrift(epsilon) (or use PPO)", check: mirrorSettings,
  },
  settings: mirrorSettings as LearnerSetup["settings"],
};

// Every MirrorLearnerConfig key is in the list checkAgentConfig accepts (a new setting goes into src/agents/config.ts too).
type UnlistedMirrorKeys = Exclude<keyof MirrorLearnerConfig, (typeof COMMON_KEYS)[number] | (typeof SDE_KEYS)[number] | (typeof MIRROR_LEARNER_ONLY_KEYS)[number]>;
const MIRROR_KEYS_LISTED: [UnlistedMirrorKeys] extends [never] ? true : UnlistedMirrorKeys = true;

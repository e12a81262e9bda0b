/**
 * Tuned hyperparameters per algorithm and environment: rl-baselines3-zoo's
 * (hyperparams/ppo.yml, a2c.yml; Raffin 2020) in our names, the ones
 * bench/agents/quality.js measures (bench/results/agents.md gives the
 * returns they reach over 10 seeds). `mirror-rl train <algo> <env>` starts
 * from them; in code: `new PPO({ env: "CartPole-v1", ...ZOO.PPO["CartPole-v1"].config, seed })`.
 *
 * An agent added later gets entries under its class name; an (algorithm,
 * environment) pair without one trains with the agent's own (SB3's) defaults.
 */
import type { PPOConfig } from "./ppo.js";
import type { A2CConfig } from "./a2c.js";
import type { TRPOConfig } from "./trpo.js";
import type { NPGConfig } from "./npg.js";

export interface ZooEntry<C = Record<string, unknown>> {
  /** The config without env and seed. */
  readonly config: Readonly<C>;
  /** Training steps (the zoo's n_timesteps, or what the benchmark ran). */
  readonly steps: number;
  /** The mean deterministic evaluation return the benchmark reaches with it, when measured. */
  readonly target?: number;
  /** Where the numbers come from. */
  readonly source: string;
}

type Tuned<C> = ZooEntry<Omit<C, "env" | "seed">>;

const ZOO_TABLE = {
  PPO: {
    "CartPole-v1": {
      config: { numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, learningRate: "lin_1e-3", clipRange: "lin_0.2", entCoef: 0 },
      steps: 1e5, target: 500, source: "rl-baselines3-zoo ppo.yml CartPole-v1",
    },
    "Acrobot-v1": {
      config: { numEnvs: 16, nSteps: 256, gaeLambda: 0.94, gamma: 0.99, nEpochs: 4, entCoef: 0, normalize: true },
      steps: 1e6, target: -75, source: "rl-baselines3-zoo ppo.yml Acrobot-v1",
    },
    "Pendulum-v1": {
      config: {
        numEnvs: 4, nSteps: 1024, gaeLambda: 0.95, gamma: 0.9, nEpochs: 10, entCoef: 0, learningRate: 1e-3, clipRange: 0.2,
        useSde: true, sdeSampleFreq: 4,
      },
      steps: 1e5, target: -175, source: "rl-baselines3-zoo ppo.yml Pendulum-v1 (gSDE; zoo score -172.2)",
    },
  } satisfies Record<string, Tuned<PPOConfig>>,
  A2C: {
    "CartPole-v1": {
      config: { numEnvs: 8, entCoef: 0 },
      steps: 5e5, target: 500, source: "rl-baselines3-zoo a2c.yml CartPole-v1",
    },
  } satisfies Record<string, Tuned<A2CConfig>>,
  TRPO: {
    "CartPole-v1": {
      config: { numEnvs: 2, nSteps: 512, batchSize: 512, cgDamping: 1e-3, gaeLambda: 0.98, gamma: 0.99, learningRate: 1e-3, nCriticUpdates: 20 },
      steps: 1e5, target: 500, source: "rl-baselines3-zoo trpo.yml CartPole-v1 (normalize false)",
    },
    "Acrobot-v1": {
      config: { numEnvs: 2, nSteps: 1024, normalize: true },
      steps: 1e5, target: -83, source: "rl-baselines3-zoo trpo.yml Acrobot-v1",
    },
  } satisfies Record<string, Tuned<TRPOConfig>>,
  NPG: {
    "CartPole-v1": {
      config: { numEnvs: 2, nSteps: 512, batchSize: 512, cgDamping: 1e-3, gaeLambda: 0.98, gamma: 0.99, learningRate: 1e-3, nCriticUpdates: 20, stepSize: 0.3 },
      steps: 2e5, target: 500, source: "ours: TRPO's CartPole critic and rollout, a constant natural step (bench/results/trpo.md)",
    },
  } satisfies Record<string, Tuned<NPGConfig>>,
};

/** Tuned configs by algorithm class name, then environment id (frozen). */
export const ZOO: { readonly [algorithm: string]: { readonly [envId: string]: ZooEntry } } = deepFreeze(ZOO_TABLE);

function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object") {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

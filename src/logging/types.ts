/**
 * The one interface every agent writes its training logs through, and what
 * it is told about the run. Backends (progress.csv, monitor.csv, TensorBoard
 * events, JSON lines) sit behind `Logger`; a user may pass any object with
 * these methods to `learn(steps, { logger })`.
 */

/** Metrics of one update, CleanRL's names ("losses/approx_kl", "charts/SPS", ...). */
export type Metrics = Record<string, number>;

/** What an agent says about the run when learn() starts. */
export interface RunInfo {
  /** "PPO", "A2C", ... */
  algorithm: string;
  /** The environment's id, when it has one ("CartPole-v1"). */
  envId?: string;
  /** Copies of the environment stepped together. */
  numEnvs?: number;
  /** Loss coefficients (SB3's `train/loss` is assembled from them). */
  entCoef?: number;
  vfCoef?: number;
}

/** What an agent calls while it learns. */
export interface TrainingLogger {
  /** learn() started. */
  begin?(run: RunInfo): void;
  /** A training episode ended (undiscounted return, steps) in some copy of the environment. */
  episode?(episodeReturn: number, length: number): void;
  /** One update ended: environment steps so far, updates so far, the update's metrics. */
  metrics(step: number, iteration: number, metrics: Metrics): void;
  /** learn() ended: write out anything buffered. */
  flush?(): void;
}

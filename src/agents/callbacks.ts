/**
 * Training callbacks, called after every rollout + update (SB3's
 * `_on_rollout_end` granularity). Returning `false` stops `learn` (SB3's
 * `_on_step` returning False).
 */
import type { Metrics } from "./logger.js";

export interface ProgressInfo {
  /** Environment steps taken so far (all copies). */
  timesteps: number;
  /** Updates done so far. */
  iteration: number;
  /** Environment steps per second since `learn` started. */
  sps: number;
  /** Mean undiscounted return of the last 100 finished episodes (NaN before the first). */
  recentReturn: number;
  /** This iteration's metrics, CleanRL's names ("losses/approx_kl", "charts/SPS", ...). */
  metrics: Metrics;
}

export type Callback = (info: ProgressInfo) => boolean | void | Promise<boolean | void>;

/** Stops training once the recent mean return reaches `threshold` (SB3's StopTrainingOnRewardThreshold, on training episodes). */
export function stopOnReward(threshold: number): Callback {
  return (info) => !(info.recentReturn >= threshold);
}

/** Runs several callbacks in order; stops when any returns false. */
export function callbackList(...callbacks: Callback[]): Callback {
  return async (info) => {
    for (const cb of callbacks) if ((await cb(info)) === false) return false;
    return true;
  };
}

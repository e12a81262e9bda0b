/**
 * The metrics an agent reports (CleanRL's names, e.g. `losses/approx_kl`) as
 * Stable-Baselines3 records them (`train/approx_kl`), so that progress.csv and
 * TensorBoard runs sit beside SB3's in the same tools (rl-baselines3-zoo's
 * plot scripts, pandas, TensorBoard). SB3's signs and units are kept:
 * `train/entropy_loss` is minus the mean entropy, `time/fps` an integer.
 */
import type { Metrics } from "./types.js";

/** A value and whether SB3 records it as a Python int (printed without ".0"). */
export interface Sb3Value {
  value: number;
  int: boolean;
}

/** One dump of SB3-named values, in the order they were recorded. */
export type Sb3Record = Map<string, Sb3Value>;

/** SB3 records these with `exclude="tensorboard"`: they go to progress.csv only. */
export const TENSORBOARD_EXCLUDED: ReadonlySet<string> = new Set([
  "time/iterations", "time/time_elapsed", "time/total_timesteps", "train/n_updates",
]);

/** CleanRL name -> SB3 name for metrics that only change name. */
const RENAMED: Readonly<Record<string, string>> = {
  "charts/episodic_return": "rollout/ep_rew_mean",
  "charts/episodic_length": "rollout/ep_len_mean",
  "losses/approx_kl": "train/approx_kl",
  "losses/clipfrac": "train/clip_fraction",
  "losses/explained_variance": "train/explained_variance",
  "losses/value_loss": "train/value_loss",
  "charts/learning_rate": "train/learning_rate",
  "charts/clip_range": "train/clip_range",
  "charts/clip_range_vf": "train/clip_range_vf",
};

/** What the mapping needs to know about the run. */
export interface Sb3Context {
  /** "PPO" names its policy loss `train/policy_gradient_loss`, A2C `train/policy_loss`. */
  algorithm: string;
  /** For `train/loss` = policy loss + vfCoef value loss - entCoef entropy. */
  entCoef?: number;
  vfCoef?: number;
}

/**
 * SB3's record of one update: `time/*` from the step count, the iteration and
 * the seconds since learn() began; `rollout/*` only once an episode has ended
 * (SB3 skips them while its episode buffer is empty); `train/*` from the
 * agent's metrics. `nUpdates` is the running count of gradient steps.
 *
 * Differences from SB3 (no counterpart in the metrics): `train/loss` is the
 * mean over the update's minibatches (SB3 logs the last minibatch's), PPO's
 * `train/n_updates` counts gradient steps (SB3 counts epochs), and
 * `train/std` (continuous actions) is not recorded.
 */
export function sb3Record(step: number, iteration: number, elapsedSeconds: number, metrics: Metrics, nUpdates: number, ctx: Sb3Context): Sb3Record {
  const out: Sb3Record = new Map();
  const put = (key: string, value: number, int = false): void => {
    if (Number.isFinite(value)) out.set(key, { value, int });
  };
  put("time/iterations", iteration, true);
  for (const name of ["charts/episodic_return", "charts/episodic_length"]) if (name in metrics) put(RENAMED[name], metrics[name]);
  if ("charts/SPS" in metrics) put("time/fps", Math.trunc(metrics["charts/SPS"]), true);
  put("time/time_elapsed", Math.trunc(elapsedSeconds), true);
  put("time/total_timesteps", step, true);
  const policyLoss = metrics["losses/policy_loss"];
  const entropy = metrics["losses/entropy"];
  const valueLoss = metrics["losses/value_loss"];
  for (const [name, value] of Object.entries(metrics)) {
    if (name === "charts/SPS" || name === "charts/episodic_return" || name === "charts/episodic_length" || name === "charts/updates") continue;
    if (name === "losses/policy_loss") put(ctx.algorithm === "PPO" ? "train/policy_gradient_loss" : "train/policy_loss", value);
    else if (name === "losses/entropy") put("train/entropy_loss", -value);
    else put(RENAMED[name] ?? genericName(name), value);
  }
  if (policyLoss !== undefined && valueLoss !== undefined && entropy !== undefined && ctx.entCoef !== undefined && ctx.vfCoef !== undefined) {
    put("train/loss", policyLoss + ctx.vfCoef * valueLoss - ctx.entCoef * entropy);
  }
  put("train/n_updates", nUpdates, true);
  return out;
}

/** A metric without an SB3 counterpart: `losses/x` and `charts/x` become `train/x`; others keep their name. */
function genericName(name: string): string {
  const slash = name.indexOf("/");
  const group = slash < 0 ? "" : name.slice(0, slash);
  return group === "losses" || group === "charts" ? `train/${name.slice(slash + 1)}` : name;
}

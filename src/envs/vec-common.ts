/** Pieces shared by the WebAssembly vector environment and `SyncVecEnv`. */
import { ValidationError } from "../core/errors.js";
import type { VecStepResult } from "./env.js";

/** A result object for `step(actions, out)` with numEnvs rows of obsSize. */
export function createVecStepResult(numEnvs: number, obsSize: number): VecStepResult {
  return {
    obs: new Float32Array(numEnvs * obsSize),
    rewards: new Float64Array(numEnvs),
    terminated: new Uint8Array(numEnvs),
    truncated: new Uint8Array(numEnvs),
    info: {
      finalObs: new Float32Array(numEnvs * obsSize),
      episodeReturn: new Float64Array(numEnvs),
      episodeLength: new Int32Array(numEnvs),
    },
  };
}

/** Checks a caller-supplied result object has the right array sizes. */
export function checkVecOut(out: VecStepResult, numEnvs: number, obsSize: number, id: string): void {
  const ok =
    out.obs?.length === numEnvs * obsSize &&
    out.rewards?.length === numEnvs &&
    out.terminated?.length === numEnvs &&
    out.truncated?.length === numEnvs &&
    out.info?.finalObs?.length === numEnvs * obsSize &&
    out.info?.episodeReturn?.length === numEnvs &&
    out.info?.episodeLength?.length === numEnvs;
  if (!ok) throw new ValidationError("out", "must come from createStepResult() of this vector environment", typeof out, { env: id });
}

export function checkSeed(seed: number, id: string): void {
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new ValidationError("seed", "must be a finite integer", seed, { env: id });
  }
}

/**
 * Running undiscounted return and length of each copy's episode (Gymnasium's
 * RecordEpisodeStatistics), reported in `info` on the step a copy ends.
 */
export class EpisodeTracker {
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;

  constructor(numEnvs: number) {
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
  }

  clear(): void {
    this.returns.fill(0);
    this.lengths.fill(0);
  }

  /**
   * Adds a step's rewards; for each copy that ended, writes its episode
   * statistics and, when `finalObs` is given, copies its final-observation row
   * into `result.info.finalObs` (only those rows: the others are not meaningful).
   */
  record(result: VecStepResult, finalObs?: Float32Array, obsSize = 0): void {
    const { rewards, terminated, truncated } = result;
    const { episodeReturn, episodeLength } = result.info;
    const outFinal = result.info.finalObs;
    const returns = this.returns;
    const lengths = this.lengths;
    for (let i = 0; i < returns.length; i++) {
      const r = returns[i] + rewards[i];
      const l = lengths[i] + 1;
      if ((terminated[i] | truncated[i]) !== 0) {
        episodeReturn[i] = r;
        episodeLength[i] = l;
        if (finalObs) for (let j = i * obsSize; j < (i + 1) * obsSize; j++) outFinal[j] = finalObs[j];
        returns[i] = 0;
        lengths[i] = 0;
      } else {
        returns[i] = r;
        lengths[i] = l;
      }
    }
  }
}

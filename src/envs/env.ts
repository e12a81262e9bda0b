/**
 * The environment interfaces, following Gymnasium's API (gymnasium.Env and
 * gymnasium.vector.VectorEnv): `reset({ seed })` returns `{ obs, info }` and
 * `step(action)` returns `{ obs, reward, terminated, truncated, info }`, with
 * termination (a true end: do not bootstrap) kept apart from truncation (the
 * time limit: bootstrap from the final observation). Both flags may be true on
 * the same step, as in Gymnasium; `terminated` then decides.
 */
import type { Space } from "./spaces.js";

/** Options of `reset`: a seed re-seeds the environment's generator; `options` are environment-specific (Gymnasium's `options` dict). */
export interface ResetOptions {
  seed?: number;
  options?: Readonly<Record<string, number>>;
}

/**
 * Extra information of a reset or step. `info.actionMask`, when present, says
 * which actions are legal in the observation just returned (Discrete(n)
 * action spaces: n entries, true/1 = legal, false/0 = illegal, at least one
 * legal), as SB3-contrib's MaskablePPO `action_masks()`: agents sample, and
 * `evaluatePolicy` plays, legal actions only.
 */
export type Info = Record<string, unknown>;

export interface ResetResult<O> {
  obs: O;
  info: Info;
}

export interface StepResult<O> {
  obs: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/** An observation: a float vector (Box) or an index (Discrete). */
export type Observation = Float32Array | Float64Array | number;
/** An action: an index (Discrete) or a float vector (Box); a length-1 array is also accepted for an index. */
export type Action = number | ArrayLike<number>;

/**
 * A single environment. User environments implement this interface to plug
 * into `makeVecEnv` and `checkEnv`. The environment reports its own time limit
 * through `truncated`; `maxEpisodeSteps` says what it is (Infinity if none).
 * `getState` / `setState` are optional: the internal physical state
 * (Gymnasium's `env.unwrapped.state`) as f64 numbers.
 */
export interface Env<O extends Observation = Observation, A extends Action = Action> {
  readonly id?: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly maxEpisodeSteps?: number;
  reset(options?: ResetOptions): ResetResult<O>;
  step(action: A): StepResult<O>;
  getState?(): Float64Array;
  setState?(state: ArrayLike<number>): void;
  close?(): void;
}

/**
 * Information of a vectorised step. Rows are per copy; a row of `finalObs`,
 * `episodeReturn` and `episodeLength` is meaningful only for a copy that ended
 * on this step (`terminated[i] || truncated[i]`), and holds its last
 * observation (before the automatic reset), its undiscounted return and its
 * length.
 */
export interface VecInfo {
  finalObs: Float32Array;
  episodeReturn: Float64Array;
  episodeLength: Int32Array;
  [key: string]: unknown;
}

/**
 * The result of a vectorised step. `obs` is numEnvs x obsSize row-major
 * (obsSize = the Box's size, or 1 holding the index for a Discrete space):
 * for a copy that ended it is already the first observation of its next
 * episode (auto-reset in the same step; its last observation is in
 * `info.finalObs`). Rewards are f64 (exactly the single environments'
 * rewards); flags are 0/1 bytes.
 */
export interface VecStepResult {
  obs: Float32Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  info: VecInfo;
}

export interface VecResetResult {
  obs: Float32Array;
  info: Info;
}

/**
 * numEnvs copies of one environment stepped together, with automatic reset.
 * Actions: numEnvs indices (Discrete) or numEnvs x actionSize values row-major
 * (Box). `step(actions, out)` writes into `out` (from `createStepResult()`)
 * instead of allocating.
 */
export interface VecEnv {
  readonly id?: string;
  readonly numEnvs: number;
  /** Space of one copy's observation and action (Gymnasium's single_observation_space). */
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly obsSize: number;
  readonly actionSize: number;
  readonly maxEpisodeSteps: number;
  /** Resets every copy; with a seed, copy i is re-seeded with seed + i (as Gymnasium and SB3). */
  reset(options?: ResetOptions): VecResetResult;
  step(actions: ArrayLike<number>, out?: VecStepResult): VecStepResult;
  /** A fresh result object of the right sizes, for `step(actions, out)`. */
  createStepResult(): VecStepResult;
  /** Elapsed steps of each copy's current episode (a copy). */
  elapsedSteps(): Int32Array;
  getState?(i: number): Float64Array;
  setState?(i: number, state: ArrayLike<number>): void;
  /**
   * Legal actions of every copy's current observation (Discrete(n) action
   * spaces): numEnvs x n row-major, 1 = legal (or an array of numEnvs rows of
   * n booleans or 0/1); undefined, or no such method, when every action is
   * legal. SB3-contrib's `action_masks()`.
   */
  actionMasks?(): ArrayLike<number | boolean> | readonly ArrayLike<number | boolean>[] | undefined;
  close(): void;
}

/**
 * PPO's whole minibatch loss and its gradient with respect to every parameter
 * of the actor-critic (SB3's PPO.train, one minibatch):
 *
 *   loss = -mean(r A - D_clip) - entCoef mean(H) + vfCoef mean((R - v')^2)
 *
 * (clip-drift policy loss: src/agents/ppo-loss.ts; value loss:
 * src/agents/value-loss.ts; the minibatch loss of every drift, which this
 * is with the clip drift: src/agents/mirror-objective.ts). Gradients are written into the policy's
 * ParameterStore (overwritten), ready for clipping and the optimiser step.
 * When a part of the loss is not finite (training diverged) the result says
 * which, and the backward passes from that part on are skipped: the
 * gradients are then incomplete and must not be stepped on.
 */
import type { F32Ref, I32Ref, U8Ref } from "../nn/tensor.js";
import type { Block } from "../core/arena.js";
import type { ActorCritic } from "./actor-critic.js";
import { mirrorLossAndGradients } from "./mirror-objective.js";

export interface PpoMinibatch {
  rows: number;
  /** rows x obsSize observations (f32, WebAssembly memory). */
  obs: F32Ref;
  /** Discrete: rows action indices; continuous: rows x actionDim values. */
  actions: I32Ref | F32Ref;
  /** Discrete: the legal-action masks the actions were sampled with (rows x nActions bytes), if any. */
  masks?: U8Ref;
  /** log pi_old(a|s) from the rollout. */
  logpOld: F32Ref;
  /** Advantages (already normalised if wanted). */
  advantages: F32Ref;
  /** Value targets and the rollout's values (for value clipping): arrays or f64 blocks of rows values. */
  returns: ArrayLike<number> | Block<"f64">;
  oldValues: ArrayLike<number> | Block<"f64">;
  /** The actor and critic already hold this minibatch's forward pass (ActorCritic.replayRollout): skip it. */
  replayed?: boolean;
}

export interface PpoLossOptions {
  epsilon: number;
  clipRangeVf?: number;
  entCoef: number;
  vfCoef: number;
}

export interface PpoLossResult {
  loss: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  clipFraction: number;
  approxKl: number;
}

/**
 * Forward and backward of PPO's loss on one minibatch; `stats` is a 4-value
 * f64 scratch block. PPO is Mirror Learning with the clip drift: this is
 * `mirrorLossAndGradients` on the clip kernel's path.
 */
export function ppoLossAndGradients(pol: ActorCritic, mb: PpoMinibatch, o: PpoLossOptions, stats: Block<"f64">): PpoLossResult {
  const loss = { path: "clip", epsilon: o.epsilon } as const;
  return mirrorLossAndGradients(pol, mb, { loss, clipRangeVf: o.clipRangeVf, entCoef: o.entCoef, vfCoef: o.vfCoef }, stats);
}

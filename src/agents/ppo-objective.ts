/**
 * PPO's whole minibatch loss and its gradient with respect to every parameter
 * of the actor-critic (SB3's PPO.train, one minibatch):
 *
 *   loss = -mean(r A - D_clip) - entCoef mean(H) + vfCoef mean((R - v')^2)
 *
 * (clip-drift policy loss: src/agents/ppo-loss.ts; value loss:
 * src/agents/value-loss.ts). Gradients are written into the policy's
 * ParameterStore (overwritten), ready for clipping and the optimiser step.
 * When a part of the loss is not finite (training diverged) the result says
 * which, and the backward passes from that part on are skipped: the
 * gradients are then incomplete and must not be stepped on.
 */
import type { F32Ref, I32Ref, U8Ref } from "../nn/tensor.js";
import { Block } from "../core/arena.js";
import type { ActorCritic } from "./actor-critic.js";
import { ppoClipLossInto } from "./ppo-loss.js";
import { valueLossInto } from "./value-loss.js";

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

/** Forward and backward of PPO's loss on one minibatch; `stats` is a 4-value f64 scratch block. */
export function ppoLossAndGradients(pol: ActorCritic, mb: PpoMinibatch, o: PpoLossOptions, stats: Block<"f64">): PpoLossResult {
  const { rows } = mb;
  // Policy: log pi_new(a|s) and entropies, then the clip-drift loss and its gradient in log pi.
  if (mb.replayed) pol.logProbHead(rows, mb.actions, mb.masks);
  else pol.logProbForward(mb.obs, rows, mb.actions, mb.masks);
  const clip = ppoClipLossInto(o.epsilon, mb.logpOld, pol.logpAct, mb.advantages, pol.gLogp, rows, stats);
  const ent = pol.entropy.view;
  let entropy = 0;
  for (let r = 0; r < rows; r++) entropy += ent[r];
  entropy /= rows;
  // A NaN here would stop the backward pass with a message about an internal buffer: let the caller say what diverged.
  if (!Number.isFinite(clip.policyLoss) || !Number.isFinite(entropy)) {
    return { loss: NaN, policyLoss: clip.policyLoss, valueLoss: NaN, entropy, clipFraction: clip.clipFraction, approxKl: clip.approxKl };
  }
  pol.logProbBackward(rows, mb.actions, o.entCoef);
  // Value: (clipped) squared error to the GAE returns.
  const values = (mb.replayed ? pol.critic.lastOutput : pol.critic.forward(mb.obs, rows)).view;
  // Views taken after the forward pass (which may grow memory).
  const valueLoss = valueLossInto(values, values64(mb.returns), values64(mb.oldValues), rows, o.clipRangeVf, o.vfCoef, pol.dValues.view);
  if (!Number.isFinite(valueLoss)) {
    return { loss: NaN, policyLoss: clip.policyLoss, valueLoss, entropy, clipFraction: clip.clipFraction, approxKl: clip.approxKl };
  }
  pol.critic.backward(pol.dValues);
  return {
    loss: clip.policyLoss - o.entCoef * entropy + o.vfCoef * valueLoss,
    policyLoss: clip.policyLoss, valueLoss, entropy, clipFraction: clip.clipFraction, approxKl: clip.approxKl,
  };
}

function values64(x: ArrayLike<number> | Block<"f64">): ArrayLike<number> {
  return x instanceof Block ? x.view : x;
}

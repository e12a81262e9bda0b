/**
 * The whole minibatch loss of the sample-based Mirror Learning step and its
 * gradient with respect to every parameter of the actor-critic (Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning"; the value loss and
 * entropy bonus as Stable-Baselines3's PPO):
 *
 *   loss = -mean(r A - w D) - entCoef mean(H) + vfCoef mean((R - v')^2)
 *
 * with the drift's per-sample estimate D (./drift-loss.ts picks the path:
 * PPO's clip kernel, the drift kernel, or the drift's own TypeScript
 * estimator) and the value loss of ./value-loss.ts. PPO's loss
 * (./ppo-objective.ts) is this with the clip drift. Gradients are written
 * into the policy's ParameterStore (overwritten), ready for clipping and the
 * optimiser step. When a part of the loss is not finite (training diverged)
 * the result says which, and the backward passes from that part on are
 * skipped: the gradients are then incomplete and must not be stepped on.
 */
import { Block } from "../core/arena.js";
import type { F32Ref } from "../nn/tensor.js";
import type { ActorCritic } from "./actor-critic.js";
import { driftLossInto, type DriftLossPath } from "./drift-loss.js";
import type { PpoMinibatch, PpoLossResult } from "./ppo-objective.js";
import { valueLossInto } from "./value-loss.js";

export interface MirrorMinibatch extends PpoMinibatch {
  /** The rows' drift weights w_i = nu(s_i) / beta(s_i) (f32, WebAssembly memory); none: 1. */
  driftWeights?: F32Ref;
}

export interface MirrorLossOptions {
  /** The drift's loss path (`driftLossPath(drift)`). */
  loss: DriftLossPath;
  clipRangeVf?: number;
  entCoef: number;
  vfCoef: number;
  /** The field named when the drift's own estimator fails (default "drift"). */
  field?: string;
}

export interface MirrorLossResult extends PpoLossResult {
  /** mean(w D): the drift's share of the policy loss. */
  drift: number;
}

/** Forward and backward of the loss on one minibatch; `stats` is a 4-value f64 scratch block. */
export function mirrorLossAndGradients(pol: ActorCritic, mb: MirrorMinibatch, o: MirrorLossOptions, stats: Block<"f64">): MirrorLossResult {
  const { rows } = mb;
  // Policy: log pi_new(a|s) and entropies, then the drift's loss and its gradient in log pi.
  if (mb.replayed) pol.logProbHead(rows, mb.actions, mb.masks);
  else pol.logProbForward(mb.obs, rows, mb.actions, mb.masks);
  const p = driftLossInto(o.loss, mb.logpOld, pol.logpAct, mb.advantages, mb.driftWeights, pol.gLogp, rows, stats, o.field);
  const ent = pol.entropy.view;
  let entropy = 0;
  for (let r = 0; r < rows; r++) entropy += ent[r];
  entropy /= rows;
  const part = { policyLoss: p.policyLoss, entropy, clipFraction: p.clipFraction, approxKl: p.approxKl, drift: p.drift };
  // A NaN here would stop the backward pass with a message about an internal buffer: let the caller say what diverged.
  if (!Number.isFinite(p.policyLoss) || !Number.isFinite(entropy)) return { loss: NaN, valueLoss: NaN, ...part };
  pol.logProbBackward(rows, mb.actions, o.entCoef);
  // Value: (clipped) squared error to the GAE returns.
  const values = (mb.replayed ? pol.critic.lastOutput : pol.critic.forward(mb.obs, rows)).view;
  // Views taken after the forward pass (which may grow memory).
  const valueLoss = valueLossInto(values, values64(mb.returns), values64(mb.oldValues), rows, o.clipRangeVf, o.vfCoef, pol.dValues.view);
  if (!Number.isFinite(valueLoss)) return { loss: NaN, valueLoss, ...part };
  pol.critic.backward(pol.dValues);
  return { loss: p.policyLoss - o.entCoef * entropy + o.vfCoef * valueLoss, valueLoss, ...part };
}

function values64(x: ArrayLike<number> | Block<"f64">): ArrayLike<number> {
  return x instanceof Block ? x.view : x;
}

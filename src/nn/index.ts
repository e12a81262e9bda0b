/**
 * Neural networks on WebAssembly SIMD kernels (f32): dense layers as blocked
 * GEMM, tanh and ReLU, categorical and diagonal-Gaussian policy heads (also
 * with generalised state-dependent exploration, gSDE),
 * orthogonal initialisation and an `Mlp` whose parameters live in one flat
 * vector shared with the optimisers (src/optim/). SB3's PPO for a discrete
 * action space, one minibatch step:
 *
 *   const store = new ParameterStore();
 *   const actor = new Mlp({ inputSize: 4, outputSize: 2, store, outputGain: POLICY_GAIN, seed });
 *   const critic = new Mlp({ inputSize: 4, outputSize: 1, store, outputGain: VALUE_GAIN, seed: seed + 1 });
 *   const adam = new Adam(store, { learningRate: 3e-4, eps: 1e-5 });
 *   const logits = actor.forward(obs, batch);            // F32Matrix, batch x 2
 *   categoricalForward({ logits, logp, rows: batch, actionCount: 2, actions, logpAct, entropy });
 *   // ... the loss's dL/dlog pi(a) per row -> gLogp, then:
 *   categoricalBackward({ logp, rows: batch, actionCount: 2, dLogits, actions, gLogp, entropy, gEntropy: -entCoef / batch });
 *   actor.backward(dLogits);
 *   critic.forward(obs, batch); critic.backward(dValues);
 *   adam.step({ gradScale: clipGradNormScale(store, maxGradNorm).scale });
 */
export { F32Matrix, type F32Ref, type I32Ref, type U8Ref } from "./tensor.js";
export { checkFinite } from "./check.js";
export { denseForward, denseBackwardInput, denseBackwardParams } from "./dense.js";
export { tanhForward, tanhBackward, reluForward, reluBackward, ACTIVATIONS, type Activation } from "./activation.js";
export {
  categoricalForward, categoricalBackward, categoricalKl, categoricalKlBackward, categoricalSample, categoricalMode,
  type CategoricalForwardArgs, type CategoricalBackwardArgs, type CategoricalKlArgs, type CategoricalKlBackwardArgs,
  type RowValues,
} from "./categorical.js";
export {
  gaussianLogProb, gaussianLogProbBackward, gaussianKl, gaussianKlBackward, gaussianEntropy, gaussianSample,
  type GaussianLogProbArgs, type GaussianLogProbBackwardArgs, type GaussianKlArgs, type GaussianKlBackwardArgs,
} from "./gaussian.js";
export {
  sdeLogProb, sdeLogProbBackward, sdeStd, sdeVarianceWeights, sdeLogStdGradient, sdeLogStdSize, sdeNoisyActions, SdeNoise, SDE_EPSILON,
  type SdeShape, type SdeLogProbArgs, type SdeLogProbBackwardArgs,
} from "./sde.js";
export { SdeHead, type SdeHeadOptions } from "./sde-head.js";
export { orthogonal, HIDDEN_GAIN, POLICY_GAIN, VALUE_GAIN } from "./init.js";
export { ParameterStore, ParameterSlice } from "./parameters.js";
export { Mlp, mlpParameterCount, type MlpOptions, type LayerLayout } from "./mlp.js";
export {
  fisherVectorProduct, FisherOperator, fisherJvp, fisherCategoricalMetric, fisherGaussianMetric,
  type FisherHead, type FisherOperatorOptions, type FisherVectorProductArgs, type FisherJvpArgs,
} from "./fisher.js";

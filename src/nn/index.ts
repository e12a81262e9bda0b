/**
 * Neural networks on WebAssembly SIMD kernels (f32): dense layers as blocked
 * GEMM, tanh and ReLU, categorical and diagonal-Gaussian policy heads,
 * orthogonal initialisation and an `Mlp` whose parameters live in one flat
 * vector shared with the optimisers (src/optim/).
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
export { orthogonal, HIDDEN_GAIN, POLICY_GAIN, VALUE_GAIN } from "./init.js";
export { ParameterStore, ParameterSlice } from "./parameters.js";
export { Mlp, mlpParameterCount, type MlpOptions, type LayerLayout } from "./mlp.js";

/** Optimisers over flat f32 parameter vectors: Adam, RMSprop and global-norm gradient clipping. */
export { Adam, type AdamOptions, type AdamState, type Optimisable } from "./adam.js";
export { Rmsprop, type RmspropOptions, type RmspropState } from "./rmsprop.js";
export { clipGradNorm, clipGradNormScale, gradNorm, clipCoefficient, type Gradients } from "./grad-norm.js";

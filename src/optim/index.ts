/** Optimisers over flat f32 parameter vectors: Adam and global-norm gradient clipping. */
export { Adam, type AdamOptions, type AdamState, type Optimisable } from "./adam.js";
export { clipGradNorm, clipGradNormScale, type Gradients } from "./grad-norm.js";

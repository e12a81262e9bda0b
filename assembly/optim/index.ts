// Optimiser kernels (f32 parameter vectors): Adam and global-norm clipping.
export * from "./adam";
export * from "./grad-norm";

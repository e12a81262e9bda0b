// Neural-network kernels (f32): one line in assembly/index.ts re-exports them all.
export * from "./dense";
export * from "./activation";
export * from "./categorical";
export * from "./gaussian";
export * from "./sde";
export * from "./check";
export * from "./orthogonal";
export * from "./fisher";

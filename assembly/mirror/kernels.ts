// The Mirror Learning kernels exported from the module (helpers in math.ts,
// sort.ts, trl-dual.ts and trl-slots.ts stay internal).
export * from "./exp-update";
export * from "./kl";
export * from "./trl";
export { mirrorTrlSolveSimd, mirrorTrlSolveScalar } from "./trl-slots";
export * from "./clip";
export * from "./tv";
export * from "./l2";
export * from "./greedy";
export * from "./tsallis";

// The Mirror Learning kernels exported from the module (helpers in math.ts,
// sort.ts and trl-dual.ts's trlState stay internal).
export * from "./exp-update";
export * from "./kl";
export * from "./trl";
export { mirrorTrlSolveSimd, mirrorTrlSolveScalar } from "./trl-dual";
export * from "./clip";
export * from "./tv";
export * from "./l2";
export * from "./greedy";

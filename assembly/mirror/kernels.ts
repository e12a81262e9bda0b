// The Mirror Learning kernels exported from the module (helpers in math.ts and
// sort.ts stay internal).
export * from "./exp-update";
export * from "./kl";
export * from "./trl";
export * from "./clip";
export * from "./tv";
export * from "./l2";
export * from "./greedy";

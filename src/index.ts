/**
 * mirror-rl: policy optimisation as Mirror Learning, with WebAssembly SIMD
 * kernels, for Node and browsers.
 *
 * Everything is synchronous once the WebAssembly module is loaded. In a
 * browser call `await init()` first; in Node it is optional (the module loads
 * synchronously on first use).
 */
export { init, isInitialised, type WasmSource } from "./core/wasm.js";
export { ValidationError, ConvergenceError, type Location } from "./core/errors.js";
export { Rng } from "./core/rng.js";

export * from "./mdp/index.js";
export * from "./policy/index.js";
export * from "./evaluation/index.js";
export * from "./planning/index.js";
export * from "./mirror/index.js";
export * from "./instances/index.js";
export * from "./theory/index.js";
export * from "./envs/index.js";
export * from "./multiagent/index.js";
export * from "./returns/index.js";
export * from "./agents/index.js";

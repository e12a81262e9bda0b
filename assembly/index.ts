// The one WebAssembly module of mirror-rl. Each concept file exports its
// kernels; this index re-exports them. Kernels take pointers, lengths and
// scalars only and never allocate: TypeScript owns the memory (src/core/arena.ts).

/** First byte above the module's static data: where the TypeScript arena starts. */
export function heapBase(): usize {
  return __heap_base;
}

export * from "./linalg/vector";
export * from "./mdp/bellman";
export * from "./mdp/bellman-csr";
export * from "./mdp/gauss-seidel";
export * from "./planning/optimality";
export * from "./mirror/kernels";
export * from "./linalg/matvec";
export * from "./linalg/lu";
export * from "./linalg/blas1";
export * from "./envs/cartpole";
export * from "./envs/acrobot";
export * from "./envs/mountain-car";
export * from "./envs/pendulum";
export * from "./envs/probes";
export * from "./nn/index";
export * from "./optim/index";
export * from "./returns/gae";
export * from "./agents/index";

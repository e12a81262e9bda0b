/** Linear algebra on WebAssembly blocks: dense products, LU, Krylov solvers and level-1 helpers. */
export { matvec, matvecTransposed } from "./matvec.js";
export { luFactor, luSolve, luSolveTransposed, SingularMatrixError } from "./lu.js";
export {
  bicgstab,
  cg,
  type CgResult,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_RESTART,
  denseOperator,
  gmres,
  type KrylovOptions,
  type KrylovResult,
  type LinearOperator,
} from "./krylov.js";
export { axpby, axpy2, axpyDot, copy, direction, dot2, normInfChecked, nrm2, scale } from "./blas1.js";
export { axpy, dot, normInf } from "./vector.js";

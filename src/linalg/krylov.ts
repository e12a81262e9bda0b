/**
 * Krylov solvers for A x = b with A given only by its action x -> A x:
 * restarted GMRES(m) (gmres.ts) and BiCGSTAB (bicgstab.ts), both right
 * preconditioned, and conjugate gradients for symmetric positive definite A
 * (cg.ts), all judged on the true residual |b - A x|_2. GMRES
 * minimises the residual over each cycle's Krylov space and never lets it grow,
 * at (m + 1) n doubles of memory; BiCGSTAB needs five vectors and two
 * applications per iteration, with a less regular residual history. For
 * (I - gamma P_pi) V = r_pi with a fast-mixing P_pi both converge in a few dozen
 * applications; see bench/ for measured counts.
 */
export { gmres } from "./gmres.js";
export { bicgstab } from "./bicgstab.js";
export { cg, type CgResult } from "./cg.js";
export {
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_RESTART,
  denseOperator,
  type KrylovOptions,
  type KrylovResult,
  type LinearOperator,
} from "./operator.js";

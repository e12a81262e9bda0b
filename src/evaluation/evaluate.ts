/**
 * Exact policy evaluation on a tabular MDP (Puterman 1994, section 6.1;
 * discounted visitation: Kakade & Langford 2002):
 *
 *   V_pi  = (I - gamma P_pi)^{-1} r_pi                  (unnormalised values)
 *   Q_pi  = R + gamma P V_pi,   A_pi = Q_pi - V_pi      (action values, advantages)
 *   d_pi  = (1 - gamma) mu^T (I - gamma P_pi)^{-1}      (discounted visitation, sums to 1)
 *   eta   = mu . V_pi                                   (expected discounted return)
 *
 * Accuracy: the TRUE Bellman residual ||r_pi + gamma P_pi V - V||_inf is at
 * most tolerance (1 + ||V||_inf) (default tolerance 1e-10), and the visitation
 * residual ||(1 - gamma) mu + gamma P_pi^T d - d||_inf at most tolerance ||d||_inf
 * (relative, because d's entries can be ~1/S); both are computed after the
 * solve and reported. Solvers: see policy-system.ts.
 *
 * "auto": models with S <= 128 (dense, or CSR densified) use LU. Up to S = 4096,
 * GMRES (dense random MDPs mix fast: 8-12 products per system at gamma = 0.99),
 * falling back to LU once it has cost about as much as an LU would (slowly
 * mixing chains). Larger models: deflated Richardson (a Bellman sweep plus a
 * uniform shift) while each product at least halves the residual, which fast
 * mixing models such as garnets do, then BiCGSTAB from its iterate (five
 * vectors; GMRES could keep only a short restart at S = 10^6), falling back to
 * GMRES. The visitation system of a CSR model takes Gauss-Seidel sweeps
 * instead of Richardson (each sweep passes over the model once, like a product,
 * and cuts the residual about twice as much). All of them use the deflation
 * preconditioner (I - gamma 1 u^T)^{-1}, u uniform, which removes the
 * eigenvalue 1 - gamma; CSR models with a (near-)deterministic policy get a
 * compact copy of P_pi's rows first (policy-system.ts).
 *
 * Work on a garnet S = 10^6, A = 4, branching 4 with the uniform policy at the
 * default 1e-10: 31 passes over the model (17 Richardson products for V, 14
 * Gauss-Seidel sweeps for d, where BiCGSTAB took 51 products), WebAssembly
 * memory 1.4x the model; timings are in bench/results/.
 *
 * Every array returned is a plain Float64Array owned by the caller (copied out
 * of WebAssembly memory); every temporary block is freed before returning, so
 * repeated calls do not grow WebAssembly memory.
 */
import { ValidationError } from "../core/errors.js";
import { policyReward, qFromValues } from "../mdp/bellman.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { checkTabularMdp } from "../mdp/spec.js";
import { checkValueScale } from "../mdp/tabular-mdp.js";
import { allocatingFor, checkLength, checkOptions, checkPolicy, checkShape } from "../core/validate.js";
import { type Block, f64Block, outsideWasm, scratch } from "../core/arena.js";
import { PolicySystem, type SolveReport, type SolverChoice, type SolverName } from "./policy-system.js";

export type { SolverChoice, SolverName } from "./policy-system.js";

/** Options of `evaluate`, `policyValue` and `discountedVisitation`. */
export interface EvaluateOptions {
  /**
   * "auto" (default), "lu", "gmres", "bicgstab", "iterative" (Bellman sweeps, rate gamma) or
   * "richardson" (Bellman sweeps with the Perron deflation, rate gamma |lambda_2(P_pi)|).
   */
  solver?: SolverChoice;
  /** Relative accuracy of the residual test (default 1e-10); a finite number in [1e-15, 1). */
  tolerance?: number;
  /** Iteration cap of the iterative solvers, per linear system (default: by method). */
  maxIterations?: number;
}

/** Options of `policyValue`: also a starting guess (e.g. the previous V in policy iteration). */
export interface PolicyValueOptions extends EvaluateOptions {
  /** Initial values for the iterative solvers (length S, finite); ignored by LU. */
  initialValues?: ArrayLike<number>;
}

/** Options of `discountedVisitation`: also a starting guess (e.g. the previous policy's d). */
export interface VisitationOptions extends EvaluateOptions {
  /** Initial visitation for the iterative solvers (length S, finite); ignored by LU. */
  initialVisitation?: ArrayLike<number>;
}

/** Options of `evaluate`: warm starts for both of its systems. */
export interface EvaluationOptions extends PolicyValueOptions, VisitationOptions {}

/** The result of `evaluate`. Arrays are fresh copies: S values, or S*A laid out [s*A + a]. */
export interface Evaluation {
  /** V_pi[s] = E[sum_t gamma^t r_t | s_0 = s], unnormalised. */
  V: Float64Array;
  /** Q_pi[s*A + a] = R[s,a] + gamma sum_s' P[s,a,s'] V_pi[s']. */
  Q: Float64Array;
  /** A_pi[s*A + a] = Q_pi[s*A + a] - V_pi[s]. */
  advantage: Float64Array;
  /** d_pi[s] = (1 - gamma) sum_t gamma^t Pr(s_t = s | s_0 ~ mu): a distribution. */
  d: Float64Array;
  /** eta(pi) = mu . V_pi. */
  eta: number;
  /** The solver that produced V (and d, unless `visitationSolver` says otherwise). */
  solver: SolverName;
  /** The solver that produced d: "auto" sweeps the visitation system of large CSR models by Gauss-Seidel. */
  visitationSolver: SolverName;
  /** Iterations of both solves together (Krylov iterations, sweeps, or LU refinement steps). */
  iterations: number;
  /** True Bellman residual ||r_pi + gamma P_pi V - V||_inf. */
  residual: number;
  /** True visitation residual ||(1 - gamma) mu + gamma P_pi^T d - d||_inf. */
  visitationResidual: number;
}

/** The result of `policyValue`. */
export interface PolicyValue {
  V: Float64Array;
  solver: SolverName;
  iterations: number;
  residual: number;
}

/** The result of `discountedVisitation`. */
export interface Visitation {
  d: Float64Array;
  solver: SolverName;
  iterations: number;
  residual: number;
}

const SOLVERS: readonly SolverChoice[] = ["auto", "lu", "gmres", "bicgstab", "iterative", "richardson"];
const OPTION_NAMES = ["solver", "tolerance", "maxIterations"];

interface CheckedOptions {
  solver: SolverChoice;
  tolerance: number;
  maxIterations?: number;
}

function checkEvaluateOptions(options: unknown, where: string, starts: readonly string[]): CheckedOptions {
  if (options === undefined) return { solver: "auto", tolerance: 1e-10 };
  const o = checkOptions("options", options as Record<string, unknown>, [...OPTION_NAMES, ...starts], where);
  const solver = (o.solver ?? "auto") as SolverChoice;
  if (!SOLVERS.includes(solver)) {
    throw new ValidationError("solver", `must be one of ${SOLVERS.join(", ")} (${where})`, o.solver);
  }
  const tolerance = o.tolerance ?? 1e-10;
  if (typeof tolerance !== "number" || !(tolerance >= 1e-15 && tolerance < 1)) {
    throw new ValidationError("tolerance", `must be a number in [1e-15, 1) (${where})`, tolerance);
  }
  const maxIterations = o.maxIterations;
  if (maxIterations !== undefined && (typeof maxIterations !== "number" || !Number.isSafeInteger(maxIterations) || maxIterations < 1)) {
    throw new ValidationError("maxIterations", `must be an integer in [1, 2^53) (${where})`, maxIterations);
  }
  return { solver, tolerance, maxIterations: maxIterations as number | undefined };
}

function checkVector(field: string, x: unknown, n: number, where: string): ArrayLike<number> {
  if (x === null || typeof x !== "object" || typeof (x as ArrayLike<number>).length !== "number") {
    throw new ValidationError(field, `must be an array of ${n} numbers (${where})`, x === null ? null : typeof x);
  }
  const v = x as ArrayLike<number>;
  if (v.length !== n) throw new ValidationError(field, `wrong length: expected ${n} (${where})`, v.length);
  for (let i = 0; i < n; i++) {
    if (typeof v[i] !== "number" || !Number.isFinite(v[i])) {
      throw new ValidationError(field, `must be finite (${where})`, v[i], { state: i });
    }
  }
  return v;
}

/**
 * A warm start if given: checkVector, or undefined. A copy when it is a view of
 * WebAssembly memory (it is read after the solve's blocks are allocated).
 */
function optionalStart(field: string, x: unknown, n: number, where: string): ArrayLike<number> | undefined {
  return x === undefined ? undefined : outsideWasm(checkVector(field, x, n, where));
}

/** Solves for V into a fresh block (taken from `take`). */
function solveValues(
  mdp: TabularMdp, system: PolicySystem, piB: Block<"f64">, take: <B extends Block<"f64">>(b: B) => B,
  initial?: ArrayLike<number>,
): { V: Block<"f64">; report: SolveReport } {
  const rPi = policyReward(mdp, piB, take(f64Block(mdp.S)));
  const V = take(f64Block(mdp.S));
  if (initial) V.set(initial);
  else V.view.fill(0);
  return { V, report: system.solve(rPi, V, false, "onePlus") };
}

/** Solves for d into a fresh block (callers clamp rounding-level negatives with clampNegatives). */
function solveVisitation(
  mdp: TabularMdp, system: PolicySystem, take: <B extends Block<"f64">>(b: B) => B,
  initial?: ArrayLike<number>,
): { d: Block<"f64">; report: SolveReport } {
  const b = take(f64Block(mdp.S));
  const bv = b.view;
  bv.set(mdp.blocks.mu.view);
  for (let i = 0; i < bv.length; i++) bv[i] *= 1 - mdp.gamma;
  const d = take(f64Block(mdp.S));
  if (initial) d.set(initial);
  else d.view.fill(0);
  const report = system.solve(b, d, true, "relative");
  return { d, report };
}

/**
 * Runs `body` with pi copied into WebAssembly memory and the linear system
 * (I - gamma P_pi) built for it, freeing the system afterwards; `take` owns
 * the body's blocks until it returns.
 */
function withPolicySystem<T>(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  opts: CheckedOptions,
  body: (system: PolicySystem, piB: Block<"f64">, take: <B extends Block<"f64">>(b: B) => B) => T,
): T {
  // Every block is freed on the way out (scratch, system.free), so running out
  // of WebAssembly memory leaves nothing behind and can name the model.
  return allocatingFor("mdp", String(mdp), () =>
    scratch((take) => {
      const piB = take(f64Block(mdp.S * mdp.A, pi));
      const system = new PolicySystem(mdp, piB, opts);
      try {
        return body(system, piB, take);
      } finally {
        system.free();
      }
    }),
  );
}

function clampNegatives(d: Float64Array): Float64Array {
  for (let i = 0; i < d.length; i++) if (d[i] < 0) d[i] = 0;
  return d;
}

/**
 * Exact evaluation of `policy` (flat pi[s*A + a], each row a distribution) on
 * `mdp`: V, Q, advantage, discounted visitation d and eta, with the solver
 * used and the true residuals. `initialValues` and `initialVisitation` (e.g.
 * the previous policy's V and d, as optimise passes) warm-start the iterative
 * solvers of the two systems; the accuracy test is the same. Throws
 * ValidationError on a bad policy or option, ConvergenceError if the accuracy
 * cannot be reached.
 */
export function evaluate(mdp: TabularMdp, policy: ArrayLike<number>, options?: EvaluationOptions): Evaluation {
  checkTabularMdp(mdp, "evaluate");
  checkValueScale(mdp, "evaluate");
  const opts = checkEvaluateOptions(options, "evaluate", ["initialValues", "initialVisitation"]);
  const { S, A } = mdp;
  const pi = checkPolicy("policy", policy, S, A);
  const initial = optionalStart("initialValues", options?.initialValues, S, "evaluate");
  const initialD = optionalStart("initialVisitation", options?.initialVisitation, S, "evaluate");
  return withPolicySystem(mdp, pi, opts, (system, piB, take) => {
    const { V, report: vReport } = solveValues(mdp, system, piB, take, initial);
    const { d, report: dReport } = solveVisitation(mdp, system, take, initialD);
    // pi is done with once both systems are solved: Q takes its block (WebAssembly memory never
    // shrinks, and at S*A = 4e6 a fresh block is 32 MB more of it).
    const Qb = qFromValues(mdp, V, piB);
    const Vout = V.toArray();
    const Q = Qb.toArray();
    const dOut = clampNegatives(d.toArray());
    const mu = mdp.blocks.mu.view;
    let eta = 0;
    for (let s = 0; s < S; s++) eta += mu[s] * Vout[s];
    return {
      V: Vout,
      Q,
      advantage: advantageFromQ(Q, Vout, S, A),
      d: dOut,
      eta,
      solver: vReport.solver,
      visitationSolver: dReport.solver,
      iterations: vReport.iterations + dReport.iterations,
      residual: vReport.residual,
      visitationResidual: dReport.residual,
    };
  });
}

/**
 * V_pi = (I - gamma P_pi)^{-1} r_pi alone (the evaluation step of policy
 * iteration), with `initialValues` as a warm start for the iterative solvers.
 */
export function policyValue(mdp: TabularMdp, policy: ArrayLike<number>, options?: PolicyValueOptions): PolicyValue {
  checkTabularMdp(mdp, "policyValue");
  checkValueScale(mdp, "policyValue");
  const opts = checkEvaluateOptions(options, "policyValue", ["initialValues"]);
  const { S, A } = mdp;
  const pi = checkPolicy("policy", policy, S, A);
  const initial = optionalStart("initialValues", options?.initialValues, S, "policyValue");
  return withPolicySystem(mdp, pi, opts, (system, piB, take) => {
    const { V, report } = solveValues(mdp, system, piB, take, initial);
    return { V: V.toArray(), solver: report.solver, iterations: report.iterations, residual: report.residual };
  });
}

/**
 * The discounted state visitation d_pi = (1 - gamma) mu^T (I - gamma P_pi)^{-1}
 * (a distribution over S states) alone.
 */
export function discountedVisitation(mdp: TabularMdp, policy: ArrayLike<number>, options?: VisitationOptions): Visitation {
  checkTabularMdp(mdp, "discountedVisitation");
  const opts = checkEvaluateOptions(options, "discountedVisitation", ["initialVisitation"]);
  const { S, A } = mdp;
  const pi = checkPolicy("policy", policy, S, A);
  const initial = optionalStart("initialVisitation", options?.initialVisitation, S, "discountedVisitation");
  return withPolicySystem(mdp, pi, opts, (system, _piB, take) => {
    const { d, report } = solveVisitation(mdp, system, take, initial);
    return { d: clampNegatives(d.toArray()), solver: report.solver, iterations: report.iterations, residual: report.residual };
  });
}

/** Q[s*A + a] = R[s,a] + gamma sum_s' P[s,a,s'] V[s'] for any V (length S, finite); a fresh array. */
export function qFromV(mdp: TabularMdp, V: ArrayLike<number>): Float64Array {
  checkTabularMdp(mdp, "qFromV");
  checkValueScale(mdp, "qFromV");
  const v = checkVector("V", V, mdp.S, "qFromV");
  const Q = scratch((take) => {
    const Vb = take(f64Block(mdp.S, v));
    return qFromValues(mdp, Vb, take(f64Block(mdp.S * mdp.A))).toArray();
  });
  // R and V are finite: only their size can overflow Q (one pass, once per call).
  for (let i = 0; i < Q.length; i++) {
    if (!Number.isFinite(Q[i])) throw new ValidationError("V", "is so large that Q = R + gamma P V overflows (qFromV)", Math.max(...Array.from(v, Math.abs)));
  }
  return Q;
}

/** advantage[s*A + a] = Q[s*A + a] - V[s] (fresh array; lengths checked, values taken as given). */
export function advantageFromQ(Q: ArrayLike<number>, V: ArrayLike<number>, S: number, A: number): Float64Array {
  ({ S, A } = checkShape(S, A));
  checkLength("Q", Q, S * A, "S*A", { function: "advantageFromQ" });
  checkLength("V", V, S, "S", { function: "advantageFromQ" });
  const out = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    const v = V[s];
    for (let a = 0; a < A; a++) out[s * A + a] = Q[s * A + a] - v;
  }
  return out;
}

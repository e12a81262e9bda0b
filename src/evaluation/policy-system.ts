/**
 * The linear system of exact policy evaluation and its transpose,
 *
 *   (I - gamma P_pi) x = b        (values:     b = r_pi,          x = V_pi)
 *   (I - gamma P_pi)^T x = b      (visitation: b = (1-gamma) mu,  x = d_pi)
 *
 * solved by dense LU (partial pivoting), restarted GMRES, BiCGSTAB,
 * Bellman sweeps (Richardson iteration x <- x + (b - (I - gamma P_pi) x),
 * which contracts at rate gamma), or deflated Richardson iteration
 * x <- x + D (b - M x), D = (I - gamma 1 u^T)^{-1} the Perron deflation below:
 * a Bellman sweep followed by a uniform shift of x (Saad, Iterative Methods for
 * Sparse Linear Systems, 2nd ed., ch. 4 and §9.3), contracting at rate
 * gamma |lambda_2(P_pi)| instead of gamma, or, for the visitation system of a
 * CSR model, Gauss-Seidel sweeps under the same deflation (assembly/mdp/gauss-seidel.ts),
 * faster still per pass over the model. Every answer is checked with the TRUE
 * residual ||b - (I - gamma P_pi) x||_inf computed at the end, and refined or
 * continued until it meets the target; a ConvergenceError says when it cannot.
 *
 * I - gamma P_pi is strictly diagonally dominant for gamma < 1 (row s: the
 * diagonal 1 - gamma P_pi[s,s] exceeds the off-diagonal sum gamma (1 - P_pi[s,s])),
 * so it is never singular and LU needs no special care.
 *
 * Over 400 lines on purpose: the five solvers share one system object (its
 * blocks, warm starts and residual checks); split, each would re-own them.
 */
import { ConvergenceError, ValidationError } from "../core/errors.js";
import { bicgstab, gmres, type LinearOperator } from "../linalg/krylov.js";
import { luFactor, luSolve, luSolveTransposed } from "../linalg/lu.js";
import {
  applyPolicy,
  applyPolicyTransposed,
  type BellmanModel,
  compactPolicyMatrix,
  type CsrMatrix,
  csrProduct,
  csrProductTransposed,
  policyMatrix,
  policyRowEntries,
} from "../mdp/bellman.js";
import { gaussSeidelStartTransposed, gaussSeidelSweepTransposed, type SweepRows } from "../mdp/gauss-seidel.js";
import { type Block, f64Block, i32Block, scratch } from "../core/arena.js";
import { CHUNK_STATES } from "../core/chunks.js";
import { kernels } from "../core/wasm.js";

/** A linear solver for the evaluation system. */
export type SolverName = "lu" | "gmres" | "bicgstab" | "iterative" | "richardson" | "gauss-seidel";
/** "auto" picks by size and structure (see `PolicySystem`); "gauss-seidel" is auto's own (visitation, CSR). */
export type SolverChoice = "auto" | Exclude<SolverName, "gauss-seidel">;

/** How the residual target scales with the solution x. */
export type ResidualScale =
  /** target = tolerance (1 + ||x||_inf): the value system (evaluate's default accuracy). */
  | "onePlus"
  /** target = tolerance ||x||_inf: the visitation system, whose entries can be ~1/S. */
  | "relative";

export interface SolveReport {
  solver: SolverName;
  /** Krylov iterations, Bellman sweeps, or LU refinement steps (0 when the first LU solve met the target). */
  iterations: number;
  /** The true residual ||b - M x||_inf at the end. */
  residual: number;
  /** The target it met. */
  target: number;
}

/** Models this small (dense or CSR, densified) always use LU in "auto": robust, and cheap at this size. */
export const AUTO_LU_STATES = 128;
/** Largest S for which LU is a fallback after a Krylov method failed ((2/3)S^3 flops, 8 S^2 bytes). */
export const LU_FALLBACK_STATES = 4096;
/** Largest S for which an explicit "lu" is accepted (8 S^2 bytes of WebAssembly memory). */
export const LU_MAX_STATES = 16384;
/** Explicit P_pi is formed for a Krylov solve when the policy uses this many rows per state or more. */
const FORM_P_PI_ROWS = 1.5;
/** ... and P_pi fits in this many bytes. */
const FORM_P_PI_BYTES = 256 * 1024 * 1024;
/** A CSR model's P_pi is compacted when the rows the policy uses hold at most this share of its entries. */
const COMPACT_FRACTION = 0.5;
/** Memory for GMRES's basis: restart = 40 up to S = 500 000, 18 at S = 10^6. */
const GMRES_BYTES = 160 * 1024 * 1024;
/** Refinement rounds (LU) or Krylov restarts from the current iterate after a failed true-residual check. */
const MAX_ROUNDS = 4;
/**
 * "auto" on large models keeps deflated Richardson (values) or Gauss-Seidel sweeps (visitation,
 * CSR) while they cut the residual by at least this factor per step, judged over the last three
 * steps after the first (single steps fluctuate), and hands the iterate to BiCGSTAB otherwise.
 * On a disk-shaped spectrum, as a random model's (garnet: |lambda_2| ~ 0.3 at 16 entries per
 * row), no Krylov method beats Richardson's rate per product, and both stationary methods get
 * the true residual with every pass, so they stop exactly at the target. Garnet S = 10^6,
 * A = 4, branching 4, uniform policy, 1e-10: V in 17 Richardson products, d in 14 Gauss-Seidel
 * sweeps (1.1x a product each; Richardson: 21 products), against BiCGSTAB's 23 + 30 (which stops
 * on a 2-norm bound and overshoots 100-1000x). V stays with Richardson: its Gauss-Seidel sweep
 * needs a split of every row (or a second pass) for its residual and measured 1.5x a product.
 * Slowly mixing chains contract at nearly gamma and go to BiCGSTAB after four steps.
 */
const STATIONARY_RATE = 0.6;

/** True once the last three steps (after the first) cut the residual by less than STATIONARY_RATE each on average. */
function tooSlow(history: number[]): boolean {
  const k = history.length - 1;
  return k >= 4 && !(history[k] <= STATIONARY_RATE ** 3 * history[k - 3]);
}

export interface PolicySystemOptions {
  solver: SolverChoice;
  tolerance: number;
  /** Iteration cap of the iterative methods (per system); default depends on the method. */
  maxIterations?: number;
}

/**
 * Both evaluation systems of one MDP and policy, sharing whatever can be
 * shared (the LU factors, the explicit P_pi). Owns WebAssembly blocks: call
 * `free()` (evaluate does it in a finally block).
 */
export class PolicySystem {
  readonly S: number;
  private readonly taken: Block<"f64" | "i32">[] = [];
  private factors: { lu: Block<"f64">; pivots: Block<"i32"> } | undefined;
  /** How products with P_pi are computed (chosen on first use, see `prepare`). */
  private representation: "model" | "dense" | "compact" | undefined;
  /** Dense P_pi formed once (row-major S x S) and a block of ones as its one-action policy. */
  private densePpi: { model: BellmanModel; ones: Block<"f64"> } | undefined;
  /** P_pi of a CSR model in compact CSR form. */
  private compact: CsrMatrix | undefined;
  /** Weights 1 for sweeps over the compact P_pi (a model with one action). */
  private compactOnes: Block<"f64"> | undefined;
  /** "auto" gave up on GMRES for one system: the transposed one goes straight to the fallback. */
  private krylovFailed = false;

  constructor(
    private readonly mdp: BellmanModel,
    private readonly pi: Block<"f64">,
    private readonly options: PolicySystemOptions,
  ) {
    this.S = mdp.S;
    const { solver } = options;
    if (solver === "lu" && mdp.S > LU_MAX_STATES) {
      throw new ValidationError(
        "solver",
        `"lu" needs a dense S x S matrix (${((8 * mdp.S * mdp.S) / 2 ** 30).toFixed(1)} GiB); use "auto" or "gmres" above S = ${LU_MAX_STATES}`,
        solver,
        { S: mdp.S },
      );
    }
  }

  private take<B extends Block<"f64" | "i32">>(b: B): B {
    this.taken.push(b);
    return b;
  }

  /** Frees every block this system allocated. Idempotent. */
  free(): void {
    for (const b of this.taken) b.free();
    this.taken.length = 0;
    this.factors = undefined;
    this.densePpi = undefined;
    this.compact?.free();
    this.compact = undefined;
    this.compactOnes = undefined;
    this.representation = undefined;
  }

  /**
   * Chooses how to multiply by P_pi. Dense model, policy using >= 1.5 rows per state: form P_pi
   * once (then each product reads S rows, not all the rows used). CSR model whose used rows hold
   * at most half its entries (a deterministic policy: 1/A): copy them into a compact CSR P_pi,
   * which streams instead of skipping through the model: measured 4-5x faster per product, both
   * ways, on a garnet S = 10^6, A = 4, branching 4 (the scatter of the transposed product from
   * it was as fast as a gather from an explicit transpose, which would cost a counting sort and
   * as much memory again). Otherwise: products from the model.
   */
  private prepare(): void {
    if (this.representation) return;
    const { S, A } = this.mdp;
    this.representation = "model";
    if (A === 1) return;
    const pi = this.pi.view;
    if (this.mdp.format === "dense") {
      let used = 0;
      for (let i = 0; i < S * A; i++) if (pi[i] !== 0) used++;
      if (used < FORM_P_PI_ROWS * S || 8 * S * S > FORM_P_PI_BYTES) return;
      const Ppi = this.take(f64Block(S * S));
      policyMatrix(this.mdp, this.pi, Ppi, 0, 1);
      const ones = this.take(f64Block(S));
      ones.view.fill(1);
      const model = { S, A: 1, gamma: this.mdp.gamma, format: "dense", blocks: { P: Ppi, R: ones, mu: ones } };
      this.densePpi = { model: model as BellmanModel, ones };
      this.representation = "dense";
      return;
    }
    const limit = COMPACT_FRACTION * this.mdp.blocks.cols!.length;
    if (policyRowEntries(this.mdp, pi, limit) <= limit) {
      this.representation = "compact";
    }
  }

  /** y = c x + alpha P_pi x, or with P_pi^T when `transposed`. */
  private product(transposed: boolean, x: Block<"f64">, y: Block<"f64">, c: number, alpha: number): void {
    this.prepare();
    switch (this.representation) {
      case "dense": {
        const { model, ones } = this.densePpi!;
        if (transposed) applyPolicyTransposed(model, ones, x, y, c, alpha);
        else applyPolicy(model, ones, x, y, c, alpha);
        return;
      }
      case "compact": {
        this.compact ??= compactPolicyMatrix(this.mdp, this.pi);
        if (transposed) csrProductTransposed(this.compact, x, y, c, alpha);
        else csrProduct(this.compact, x, y, c, alpha);
        return;
      }
      default:
        if (transposed) applyPolicyTransposed(this.mdp, this.pi, x, y, c, alpha);
        else applyPolicy(this.mdp, this.pi, x, y, c, alpha);
    }
  }

  /** r = b - M x (M = I - gamma P_pi, or its transpose); returns ||r||_inf. */
  residualInto(b: Block<"f64">, x: Block<"f64">, r: Block<"f64">, transposed: boolean): number {
    const k = kernels();
    if (this.S > CHUNK_STATES) {
      // r = gamma P x (products of large CSR models go in chunks and add c x apart: let c = 0), then r += b - x.
      this.product(transposed, x, r, 0, this.mdp.gamma);
      k.blas1Axpy2Simd(1, b.ptr, -1, x.ptr, r.ptr, this.S);
    } else {
      // r = -x + gamma P x, then r += b.
      this.product(transposed, x, r, -1, this.mdp.gamma);
      k.axpySimd(1, b.ptr, r.ptr, this.S);
    }
    return k.normInfSimd(r.ptr, this.S);
  }

  private target(x: Block<"f64">, scale: ResidualScale): number {
    const norm = kernels().normInfSimd(x.ptr, this.S);
    return this.options.tolerance * (scale === "onePlus" ? 1 + norm : norm);
  }

  /**
   * Solves M x = b (or M^T x = b) into x, starting from x's contents.
   * b and x are blocks of S values; b is not modified.
   */
  solve(b: Block<"f64">, x: Block<"f64">, transposed: boolean, scale: ResidualScale): SolveReport {
    // The residual vector lives for this solve only, so the two solves of `evaluate` never hold two.
    const r = f64Block(this.S);
    try {
      return this.dispatch(b, x, r, transposed, scale);
    } finally {
      r.free();
    }
  }

  private dispatch(
    b: Block<"f64">, x: Block<"f64">, r: Block<"f64">, transposed: boolean, scale: ResidualScale,
  ): SolveReport {
    const { solver } = this.options;
    const { S } = this;
    if (solver === "lu") return this.solveLu(b, x, r, transposed, scale);
    if (solver === "iterative") return this.solveSweeps(b, x, r, transposed, scale);
    if (solver === "richardson") return this.solveRichardson(b, x, r, transposed, scale, false) as SolveReport;
    if (solver === "gmres" || solver === "bicgstab") return this.solveKrylov(solver, b, x, r, transposed, scale);
    // auto
    const canLu = S <= LU_FALLBACK_STATES;
    if (S <= AUTO_LU_STATES || (this.krylovFailed && canLu)) return this.solveLu(b, x, r, transposed, scale);
    // Small and medium models: GMRES (fewest products), with LU as the fallback. Large ones: BiCGSTAB,
    // whose five vectors do not force a short restart (GMRES at S = 10^6 could keep only ~18) and
    // whose cheaper iterations measured faster there; GMRES is its fallback.
    const first = canLu ? "gmres" : "bicgstab";
    if (this.krylovFailed) return this.solveKrylov("gmres", b, x, r, transposed, scale);
    // Large models: Gauss-Seidel sweeps (visitation, CSR, from d = 0) or deflated Richardson while
    // they contract fast (STATIONARY_RATE), then BiCGSTAB from their iterate.
    let spent = 0;
    if (!canLu) {
      const probe =
        (transposed ? this.solveGaussSeidel(b, x, r, scale) : undefined) ?? this.solveRichardson(b, x, r, transposed, scale, true);
      if (probe.solver) return probe as SolveReport;
      spent = probe.iterations;
    }
    // Stop GMRES once it has cost about what LU would: LU runs at ~15 GFLOP/s here, a product with
    // P_pi (memory-bound) at ~4, so (2/3) S^3 / 15 against 2 S^2 / 4 per product gives ~S/10 products.
    // A cap given by the caller wins, less what Richardson spent.
    const cap = this.options.maxIterations;
    const budget = cap !== undefined ? Math.max(1, cap - spent) : canLu ? Math.max(40, Math.ceil(S / 8)) : undefined;
    try {
      const report = this.solveKrylov(first, b, x, r, transposed, scale, budget);
      return { ...report, iterations: report.iterations + spent };
    } catch (error) {
      if (!(error instanceof ConvergenceError)) throw error;
      // The other system of the pair has the same spectrum: do not try the first method again.
      this.krylovFailed = true;
      const report = canLu
        ? this.solveLu(b, x, r, transposed, scale)
        : this.solveKrylov("gmres", b, x, r, transposed, scale);
      return { ...report, iterations: report.iterations + error.iterations + spent };
    }
  }

  // ---- LU ----

  private factor(): { lu: Block<"f64">; pivots: Block<"i32"> } {
    if (this.factors) return this.factors;
    const { S } = this;
    const lu = this.take(f64Block(S * S));
    const pivots = this.take(i32Block(S));
    policyMatrix(this.mdp, this.pi, lu, 1, -this.mdp.gamma);
    luFactor(lu, S, pivots);
    this.factors = { lu, pivots };
    return this.factors;
  }

  private solveLu(
    b: Block<"f64">, x: Block<"f64">, r: Block<"f64">, transposed: boolean, scale: ResidualScale,
  ): SolveReport {
    const { S } = this;
    const k = kernels();
    const { lu, pivots } = this.factor();
    const solveInPlace = (v: Block<"f64">): void => {
      if (transposed) luSolveTransposed(lu, S, pivots, v);
      else luSolve(lu, S, pivots, v);
    };
    x.view.set(b.view.subarray(0, S));
    solveInPlace(x);
    let residual = this.residualInto(b, x, r, transposed);
    let target = this.target(x, scale);
    let rounds = 0;
    // Iterative refinement with the same factors: x += M^{-1} (b - M x).
    while (!(residual <= target) && rounds < MAX_ROUNDS) {
      solveInPlace(r);
      k.axpySimd(1, r.ptr, x.ptr, S);
      rounds++;
      residual = this.residualInto(b, x, r, transposed);
      target = this.target(x, scale);
    }
    if (!(residual <= target)) throw new ConvergenceError("lu (with iterative refinement)", rounds, residual, target);
    return { solver: "lu", iterations: rounds, residual, target };
  }

  // ---- Bellman sweeps (Richardson) ----

  /**
   * Iteration cap of a method contracting the residual by gamma per pass: twice the passes
   * predicted to take `residual` to 1e-2 x tolerance, plus 100 (maxIterations overrides it).
   */
  private sweepCap(residual: number): number {
    const { gamma } = this.mdp;
    const predicted =
      gamma === 0 || residual === 0
        ? 1
        : Math.ceil(Math.log(Math.max(this.options.tolerance * 1e-2, 1e-300) / residual) / Math.log(gamma));
    return this.options.maxIterations ?? Math.min(10_000_000, Math.max(100, 2 * predicted + 100));
  }

  private solveSweeps(
    b: Block<"f64">, x: Block<"f64">, r: Block<"f64">, transposed: boolean, scale: ResidualScale,
  ): SolveReport {
    const { S } = this;
    const k = kernels();
    let residual = this.residualInto(b, x, r, transposed);
    let target = this.target(x, scale);
    // The residual contracts by gamma per sweep (r_{k+1} = gamma P_pi r_k), so the count is known up front.
    const cap = this.sweepCap(residual);
    let it = 0;
    while (!(residual <= target) && it < cap) {
      k.axpySimd(1, r.ptr, x.ptr, S);
      it++;
      residual = this.residualInto(b, x, r, transposed);
      target = this.target(x, scale);
    }
    if (!(residual <= target)) throw new ConvergenceError("Bellman sweeps", it, residual, target);
    return { solver: "iterative", iterations: it, residual, target };
  }

  // ---- deflated Richardson ----

  /**
   * x <- x + D r, r = b - M x, D = (I - gamma 1 u^T)^{-1} (bellmanDeflateSimd): one product per
   * iteration, whose result is the true residual of the current x, so the test is exact.
   * `probe` ("auto"): gives up, returning only the iterations spent, once the residual shrinks
   * too slowly (STATIONARY_RATE; x is left at the last iterate).
   * Otherwise runs to the target or the cap and throws ConvergenceError there.
   */
  private solveRichardson(
    b: Block<"f64">, x: Block<"f64">, r: Block<"f64">, transposed: boolean, scale: ResidualScale, probe: boolean,
  ): SolveReport | { solver?: undefined; iterations: number } {
    const { S } = this;
    const k = kernels();
    const { gamma } = this.mdp;
    const c = gamma / ((1 - gamma) * S);
    let residual: number;
    if (k.normInfSimd(x.ptr, S) === 0) {
      // x = 0: r = b without a product.
      k.blas1CopySimd(b.ptr, r.ptr, S);
      residual = k.normInfSimd(r.ptr, S);
    } else {
      residual = this.residualInto(b, x, r, transposed);
    }
    let target = this.target(x, scale);
    // Deflated, the residual contracts at least as fast as Bellman sweeps' gamma (up to a factor 2).
    const cap = this.sweepCap(residual);
    const z = f64Block(S);
    let it = 0;
    // Residuals after each step (the first step also moves x's mean into place: not a rate).
    const history = [residual];
    try {
      while (!(residual <= target) && it < cap) {
        k.bellmanDeflateSimd(r.ptr, z.ptr, S, c);
        k.axpySimd(1, z.ptr, x.ptr, S);
        it++;
        residual = this.residualInto(b, x, r, transposed);
        target = this.target(x, scale);
        history.push(residual);
        if (probe && !(residual <= target) && tooSlow(history)) return { iterations: it };
      }
    } finally {
      z.free();
    }
    if (!(residual <= target)) {
      if (probe) return { iterations: it };
      throw new ConvergenceError("deflated Richardson", it, residual, target);
    }
    return { solver: "richardson", iterations: it, residual, target };
  }

  // ---- Gauss-Seidel (visitation, CSR) ----

  /** The rows of P_pi for a sweep: the CSR model with pi, or the compact P_pi; undefined for dense. */
  private sweepRows(): SweepRows | undefined {
    this.prepare();
    const { S, A } = this.mdp;
    const b = this.mdp.blocks;
    if (this.representation === "model" && b.rowPtr && b.cols && b.probs) {
      return { S, A, rowPtr: b.rowPtr, cols: b.cols, probs: b.probs, pi: this.pi };
    }
    if (this.representation === "compact") {
      this.compact ??= compactPolicyMatrix(this.mdp, this.pi);
      if (!this.compactOnes) {
        this.compactOnes = this.take(f64Block(S));
        this.compactOnes.view.fill(1);
      }
      return { S, A: 1, rowPtr: this.compact.ptr, cols: this.compact.cols, probs: this.compact.vals, pi: this.compactOnes };
    }
    return undefined;
  }

  /**
   * "auto"'s sweeps of the visitation system M^T d = b (gaussSeidelSweepTransposed) from x's
   * contents (a warm start prepares the sweep's accumulator: gaussSeidelStartTransposed): each
   * sweep reports the true residual of its result, so the test is exact. Gives up like the
   * Richardson probe (returning the sweeps spent, d left at the last iterate) once the residual
   * shrinks too slowly (STATIONARY_RATE); undefined when it does not apply (dense P_pi).
   */
  private solveGaussSeidel(
    b: Block<"f64">, x: Block<"f64">, r: Block<"f64">, scale: ResidualScale,
  ): SolveReport | { solver?: undefined; iterations: number } | undefined {
    const { S } = this;
    const k = kernels();
    const rows = this.sweepRows();
    if (!rows) return undefined;
    const { gamma } = this.mdp;
    const { tolerance } = this.options;
    const cap = this.options.maxIterations ?? 5000;
    return scratch((take) => {
      const b2 = take(f64Block(S));
      const acc = take(f64Block(S));
      const snap = take(f64Block(S));
      const out = take(f64Block(3));
      // b2 = b + c sum(b) 1, c = gamma / ((1 - gamma) S): the deflation applied to b.
      k.bellmanDeflateSimd(b.ptr, b2.ptr, S, gamma / ((1 - gamma) * S));
      const cold = k.normInfSimd(x.ptr, S) === 0;
      let sum = 0;
      if (cold) acc.view.fill(0);
      else sum = gaussSeidelStartTransposed(rows, x, acc);
      let it = 0;
      // Residuals after each sweep, from the initial one (b from d = 0; a warm start's own).
      const history = [cold ? k.normInfSimd(b.ptr, S) : this.residualInto(b, x, r, true)];
      if (!cold) {
        // A warm start may be good enough already.
        const target = this.target(x, scale);
        if (history[0] <= target) return { solver: "gauss-seidel", iterations: 0, residual: history[0], target };
      }
      while (it < cap) {
        const sweep = gaussSeidelSweepTransposed(rows, gamma, b2, x, acc, snap, sum, out);
        it++;
        sum = sweep.sum;
        const target = tolerance * (scale === "onePlus" ? 1 + sweep.norm : sweep.norm);
        if (sweep.residual <= target) return { solver: "gauss-seidel", iterations: it, residual: sweep.residual, target };
        history.push(sweep.residual);
        if (tooSlow(history)) break;
      }
      return { iterations: it };
    });
  }

  // ---- Krylov ----

  private solveKrylov(
    method: "gmres" | "bicgstab",
    b: Block<"f64">,
    x: Block<"f64">,
    r: Block<"f64">,
    transposed: boolean,
    scale: ResidualScale,
    budget?: number,
  ): SolveReport {
    const { S } = this;
    const { gamma } = this.mdp;
    const op: LinearOperator = { n: S, apply: (u, v) => this.product(transposed, u, v, 1, -gamma) };
    const k = kernels();
    const maxIterations = budget ?? this.options.maxIterations ?? 5000;
    // GMRES keeps restart + 2 vectors of S (basis and preconditioned vector): at most GMRES_BYTES,
    // so that a 10^6-state model's evaluation stays within its memory budget.
    const restart = Math.max(8, Math.min(40, S, Math.floor(GMRES_BYTES / (8 * S)) - 2));
    // Right preconditioner (I - gamma 1 u^T)^{-1}, u uniform: O(S) per use, and it removes the
    // eigenvalue 1 - gamma that makes the system ill-conditioned (see bellmanDeflateSimd); measured
    // 10-20% fewer products on dense random MDPs and garnets at gamma = 0.99.
    const c = gamma / ((1 - gamma) * S);
    const preconditioner: LinearOperator | undefined =
      gamma > 0 ? { n: S, apply: (u, v) => k.bellmanDeflateSimd(u.ptr, v.ptr, S, c) } : undefined;
    const bNorm = k.normInfSimd(b.ptr, S);
    const x0Norm = k.normInfSimd(x.ptr, S);
    // A first estimate of ||x||_inf from below (||x|| >= ||b|| / ||M|| >= ||b|| / (1 + gamma)).
    let xNorm = Math.max(x0Norm, bNorm / (1 + gamma));
    let target = this.options.tolerance * (scale === "onePlus" ? 1 + xNorm : xNorm);
    let residual = x0Norm === 0 ? bNorm : this.residualInto(b, x, r, transposed);
    let iterations = 0;
    // The methods stop on the 2-norm of their residual, which bounds the inf-norm; on large models
    // ||r||_inf is usually about sqrt(S)/4 times smaller, so ask for less and check.
    let factor = S >= 10_000 ? Math.sqrt(S) / 8 : 1;
    for (let round = 0; round <= MAX_ROUNDS && !(residual <= target); round++) {
      const left = maxIterations - iterations;
      if (left <= 0) break;
      const tolerance2 = target * factor;
      const result =
        method === "gmres"
          ? gmres(op, b, x, { tolerance: tolerance2, maxIterations: left, restart, preconditioner })
          : bicgstab(op, b, x, { tolerance: tolerance2, maxIterations: left, preconditioner });
      iterations += result.iterations;
      residual = this.residualInto(b, x, r, transposed);
      xNorm = k.normInfSimd(x.ptr, S);
      target = this.options.tolerance * (scale === "onePlus" ? 1 + xNorm : xNorm);
      if (!result.converged && !(residual <= target)) break;
      factor = Math.max(1, factor / 8);
    }
    if (!(residual <= target)) throw new ConvergenceError(method, iterations, residual, target);
    return { solver: method, iterations, residual, target };
  }
}
